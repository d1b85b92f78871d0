"""The API's background jobs and the documents they made."""

from rest_framework import serializers

from emgtracker.links import IdentityLinkField, document_link
from meetings.models import Document, Meeting
from workstreams.models import Job


class JobDocumentSerializer(serializers.Serializer[Document]):
    title = serializers.CharField()
    kind = serializers.CharField()
    url = serializers.SerializerMethodField(
        help_text="The download address: random, not to be guessed. A superseded document "
        "downloads for the secretariat only."
    )
    superseded_at = serializers.DateTimeField(
        allow_null=True, help_text="When a newer pack, or a withdrawn update, superseded it."
    )
    superseded_reason = serializers.CharField(help_text="Why it is superseded, or empty.")

    def get_url(self, document: Document) -> str:
        return document_link(self.context.get("request"), document.meeting.slug, document.token)


class JobSerializer(serializers.ModelSerializer[Job]):
    """A background job: queued, running with n of m done, done with its files, or failed."""

    url = IdentityLinkField(view_name="api:job-detail")
    meeting = serializers.SlugRelatedField[Meeting](slug_field="slug", read_only=True)
    documents = JobDocumentSerializer(many=True, read_only=True)

    class Meta:
        model = Job
        fields = [
            "id",
            "url",
            "kind",
            "meeting",
            "state",
            "done",
            "total",
            "progress",
            "error",
            "documents",
            "created_at",
            "started_at",
            "finished_at",
        ]
        read_only_fields = fields
