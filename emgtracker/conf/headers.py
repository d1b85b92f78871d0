"""The security headers on every response, set here and not from the environment: a deployment
should not loosen them by accident (docs/configuration.md#security-headers)."""

from csp.constants import NONCE, NONE, SELF

# Content-Security-Policy, on in debug too so that `make run` shows violations (docs/configuration.md).
# Scripts and styles come from our own origin; an inline <script> or <style> runs only with the
# request's nonce, and style="..." attributes are refused. Views that need more widen it with
# csp.decorators.csp_update (the API docs in emgtracker/apidocs.py).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, NONCE],
        "img-src": [SELF],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    },
}
# Browser features the product never uses are switched off for it and anything it embeds.
PERMISSIONS_POLICY: dict[str, list[str]] = {
    feature: []
    for feature in (
        "accelerometer",
        "autoplay",
        "browsing-topics",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "hid",
        "idle-detection",
        "interest-cohort",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "screen-wake-lock",
        "serial",
        "usb",
        "xr-spatial-tracking",
    )
}
# Django's defaults, stated so that a reader finds them: no address of ours is sent to another
# site, and no window opened from elsewhere keeps a handle on ours.
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
