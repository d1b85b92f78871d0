"""Writes that span rows. Each is keyword-only, typed and atomic; the admin, the API, the tasks
and the report loader call them as ``services.<entity>_<action>``.

- ``timeline``: the one place a workstream's status at a meeting is derived;
- ``mandates``: the one place a workstream's mandate periods are derived from its decisions;
- ``progress_updates``: the editorial workflow of an update;
- ``meeting_record``: decisions, proposals, meetings and workstreams;
- ``briefing_packs``: the briefing pack jobs;
- ``inputs``: the co-lead inputs and their merge into an update.
- ``references``: the framework references and the tags that refer to them.
"""

from workstreams.services.briefing_packs import (
    BRIEFING_PACK_FILES,
    JOB_STALE_AFTER,
    briefing_pack_request,
    briefing_pack_run,
    briefing_packs_supersede,
)
from workstreams.services.inputs import (
    progress_input_save,
    progress_input_submit,
    progress_inputs_merge,
)
from workstreams.services.mandates import (
    MandatePeriod,
    mandate_end,
    mandate_from_decisions,
    mandate_periods,
    mandate_state,
    workstream_mandate_refresh,
)
from workstreams.services.meeting_record import (
    decision_delete,
    decision_save,
    meeting_save,
    proposal_delete,
    proposal_save,
    workstream_save,
)
from workstreams.services.progress_updates import (
    EDITABLE_FIELDS,
    Changes,
    StaleUpdate,
    progress_update_changes_since,
    progress_update_check_version,
    progress_update_delete,
    progress_update_publish,
    progress_update_return_to_draft,
    progress_update_save,
    progress_update_submit,
    workstream_delete,
)
from workstreams.services.references import (
    framework_reference_delete,
    framework_reference_save,
    reference_tag_delete,
    reference_tag_save,
)
from workstreams.services.timeline import (
    DECISION_PRECEDENCE,
    DECISION_STATUS,
    timeline_entry_refresh,
    workstream_status_now_refresh,
    workstream_timeline_refresh,
)

__all__ = [
    "BRIEFING_PACK_FILES",
    "DECISION_PRECEDENCE",
    "DECISION_STATUS",
    "EDITABLE_FIELDS",
    "JOB_STALE_AFTER",
    "Changes",
    "MandatePeriod",
    "StaleUpdate",
    "briefing_pack_request",
    "briefing_pack_run",
    "briefing_packs_supersede",
    "decision_delete",
    "decision_save",
    "framework_reference_delete",
    "framework_reference_save",
    "mandate_end",
    "mandate_from_decisions",
    "mandate_periods",
    "mandate_state",
    "meeting_save",
    "progress_input_save",
    "progress_input_submit",
    "progress_inputs_merge",
    "progress_update_changes_since",
    "progress_update_check_version",
    "progress_update_delete",
    "progress_update_publish",
    "progress_update_return_to_draft",
    "progress_update_save",
    "progress_update_submit",
    "proposal_delete",
    "proposal_save",
    "reference_tag_delete",
    "reference_tag_save",
    "timeline_entry_refresh",
    "workstream_delete",
    "workstream_mandate_refresh",
    "workstream_save",
    "workstream_status_now_refresh",
    "workstream_timeline_refresh",
]
