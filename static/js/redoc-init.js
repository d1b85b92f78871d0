// Starts ReDoc on templates/drf_spectacular/redoc.html. ReDoc writes its styles into <style>
// elements; the nonce this script was loaded with lets them pass the Content-Security-Policy.
"use strict";

(function () {
  const container = document.getElementById("redoc-container");
  const settings = JSON.parse(container.dataset.settings || "{}");
  settings.nonce = document.currentScript.nonce;
  Redoc.init(container.dataset.schemaUrl, settings, container);
})();
