"""Importing a question set from Markdown (pasted or uploaded), and the import's status page.

A small document is imported at once; a large one by a worker, its page refreshing until it is done
(``assessments.services.import_jobs``: the same rule and the same job the API's import uses).
"""

from django import forms
from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from assessments.importing import MarkdownImportError, ParsedQuestionSet, parse_question_set
from assessments.selectors.import_jobs import import_job_get, import_job_list
from assessments.services.import_jobs import import_job_start
from common.exceptions import ApplicationError
from manage.views.base import found_or_404
from organisations.models import Membership
from organisations.pages import organisation_page, organisation_query
from organisations.selectors import MANAGER_ROLES

REFRESH_SECONDS = 2
PREVIEW_QUESTIONS = 300  # questions listed in a preview (all are counted)
RECENT_JOBS = 10


class ImportForm(forms.Form):
    markdown = forms.CharField(
        required=False, strip=False, widget=forms.Textarea(attrs={"rows": 14, "cols": 90}), label="Markdown"
    )
    file = forms.FileField(required=False, label="…or a Markdown file (UTF-8)")
    title = forms.CharField(max_length=200, required=False, label="Title (default: the document's # heading)")
    slug = forms.SlugField(max_length=120, required=False, label="Slug (default: from the title)")

    def clean_file(self) -> str:
        upload = self.cleaned_data.get("file")
        if not upload:
            return ""
        if upload.size > 4 * settings.MARKDOWN_IMPORT_MAX_CHARS:  # four bytes per character at most in UTF-8
            raise forms.ValidationError("The file is too large.")
        try:
            text = upload.read().decode("utf-8-sig")
        except UnicodeDecodeError:
            raise forms.ValidationError("The file is not UTF-8 text.") from None
        if "\x00" in text:
            raise forms.ValidationError("The file holds NUL characters; it is not a Markdown document.")
        return text

    def clean(self) -> dict:
        cleaned = super().clean() or {}
        pasted, uploaded = cleaned.get("markdown", ""), cleaned.get("file", "")
        if bool(pasted.strip()) == bool(uploaded):
            raise forms.ValidationError("Paste the Markdown or choose a file (one of them).")
        cleaned["source"] = uploaded or pasted
        limit = settings.MARKDOWN_IMPORT_MAX_CHARS
        if len(cleaned["source"]) > limit:
            raise forms.ValidationError(f"The Markdown is {len(cleaned['source'])} characters; the limit is {limit}.")
        return cleaned


def _preview(form: ImportForm) -> tuple[ImportForm, ParsedQuestionSet | None]:
    """What importing the document would create, parsed and shown, nothing saved. The document goes back
    into the text box (an uploaded file too), so **Import** imports exactly what was previewed."""
    data = form.cleaned_data
    again = ImportForm(initial={"markdown": data["source"], "title": data["title"], "slug": data["slug"]})
    try:
        return again, parse_question_set(data["source"])
    except MarkdownImportError as exc:
        form.add_error(None, str(exc))
        return form, None


@organisation_page(roles=MANAGER_ROLES)
def import_new_view(request: HttpRequest, membership: Membership) -> HttpResponse:
    organisation = membership.organisation
    form = ImportForm(request.POST, request.FILES) if request.method == "POST" else ImportForm()
    preview = None
    if form.is_bound and form.is_valid() and request.POST.get("action") == "preview":
        form, preview = _preview(form)
    elif form.is_bound and form.is_valid():
        data = form.cleaned_data
        try:
            job = import_job_start(
                organisation=organisation,
                source=data["source"],
                slug=data["slug"],
                title=data["title"],
                created_by=request.user,  # type: ignore[arg-type]
            )
        except ApplicationError as exc:
            form.add_error(None, exc.message)
        else:
            url = reverse("manage-import-job", args=[job.pk]) + organisation_query(request)
            return HttpResponseRedirect(url)
    context = {
        "organisation": organisation,
        "form": form,
        "preview": preview,
        "preview_limit": PREVIEW_QUESTIONS,
        "jobs": import_job_list(organisation=organisation)[:RECENT_JOBS],
        "inline_chars": settings.IMPORT_INLINE_MAX_CHARS,
        "inline_questions": settings.IMPORT_INLINE_MAX_QUESTIONS,
        "suffix": organisation_query(request),
    }
    return render(request, "manage/import_new.html", context)


@organisation_page(roles=MANAGER_ROLES)
@require_GET
def import_job_view(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    job = found_or_404(import_job_get, organisation=membership.organisation, pk=pk)
    context = {
        "organisation": membership.organisation,
        "job": job,
        "refresh_seconds": REFRESH_SECONDS,
        "suffix": organisation_query(request),
    }
    response = render(request, "manage/import_job.html", context)
    if not job.is_finished:
        response["Refresh"] = str(REFRESH_SECONDS)  # the browser reloads the page until the job is done
    return response
