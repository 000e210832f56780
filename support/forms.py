from django import forms

from .models import DisputeType, TicketCategory, TicketPriority


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Up to five files in one input; the services check type and size."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        return [super(MultipleFileField, self).clean(f, initial) for f in files]


class TicketForm(forms.Form):
    subject = forms.CharField(max_length=200)
    category = forms.ChoiceField(choices=TicketCategory.choices, initial=TicketCategory.OTHER)
    priority = forms.ChoiceField(choices=TicketPriority.choices, initial=TicketPriority.MEDIUM,
                                 help_text="Urgent: money or access blocked right now. We answer urgent requests "
                                           "within 2 hours, high within 8, medium within a day, low within 3 days.")
    description = forms.CharField(widget=forms.Textarea, label="What happened?")
    attachments = MultipleFileField(help_text="Screenshots or documents, up to 5 files of 10 MB.")


class ReplyForm(forms.Form):
    body = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), label="Your reply")
    attachments = MultipleFileField()


class DisputeForm(forms.Form):
    milestone = forms.TypedChoiceField(coerce=int, required=False, empty_value=None,
                                       help_text="The milestone whose escrow is in dispute.")
    dispute_type = forms.ChoiceField(choices=DisputeType.choices, label="What is the dispute about?")
    description = forms.CharField(widget=forms.Textarea,
                                  help_text="Say what was agreed and what went wrong. The other party sees this.")
    attachments = MultipleFileField(help_text="Evidence: the brief, messages, deliveries (up to 5 files).")

    def __init__(self, *args, milestones=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["milestone"].choices = [("", "The whole contract")] + [
            (m.pk, f"{m.title} ({m.amount} {m.currency})") for m in milestones]


class EvidenceForm(forms.Form):
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), label="Your evidence")
    attachments = MultipleFileField()
