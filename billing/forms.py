"""Forms of the money pages. They validate input only; the services decide (amount limits, who may act)."""

from decimal import Decimal

from django import forms

from .models import PaymentStatus, PaymentType, PayoutFrequency

MONEY = {"max_digits": 14, "decimal_places": 2, "min_value": Decimal("0.01")}


class AmountForm(forms.Form):
    amount = forms.DecimalField(**MONEY, required=False, label="Amount",
                                widget=forms.NumberInput(attrs={"step": "0.01", "inputmode": "decimal"}),
                                help_text="Leave empty for all of it.")


class ReleaseForm(AmountForm):
    pass


class EscrowRefundForm(AmountForm):
    reason = forms.CharField(max_length=500, required=False, label="Why",
                             widget=forms.Textarea(attrs={"rows": 2}))


class RefundRequestForm(AmountForm):
    reason = forms.CharField(max_length=2000, label="Why you ask for a refund",
                             widget=forms.Textarea(attrs={"rows": 4}),
                             help_text="Finance staff read this before they decide.")


class PayoutRequestForm(AmountForm):
    pass


class PayoutScheduleForm(forms.Form):
    frequency = forms.ChoiceField(choices=PayoutFrequency.choices, widget=forms.RadioSelect, label="Pay me out")
    minimum_amount = forms.DecimalField(max_digits=14, decimal_places=2, min_value=Decimal("0"), label="Minimum",
                                        help_text="A payday with less than this waits for the next one.",
                                        widget=forms.NumberInput(attrs={"step": "0.01", "inputmode": "decimal"}))
    is_active = forms.BooleanField(required=False, initial=True, label="Automatic payouts on")


class PayPalEmailForm(forms.Form):
    email = forms.EmailField(label="PayPal email", required=False,
                             help_text="Leave empty to be paid at your login email.")


class PaymentFilterForm(forms.Form):
    payment_type = forms.ChoiceField(choices=[("", "All types"), *PaymentType.choices], required=False,
                                     label="Type")
    status = forms.ChoiceField(choices=[("", "Any status"), *PaymentStatus.choices], required=False, label="Status")
