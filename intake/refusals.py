"""What each refusal of an intake service tells the official, in their language."""

from django.utils.translation import gettext_lazy as _

from clients.services import Refusal

REFUSAL_MESSAGES = {
    Refusal.ALREADY_REGISTERED: _("The client is already registered."),
    Refusal.NOT_IN_CLASSIFICATION: _(
        "The municipality is no longer in the classification: choose the one it merged into."
    ),
    Refusal.SAME_MUNICIPALITY: _("The client already lives in that municipality."),
    Refusal.MOVE_IN_FUTURE: _("Record a move on or after the day it happens."),
    Refusal.MOVE_BEFORE_LAST: _("The client's latest recorded move is later than this one."),
    Refusal.RELATIONSHIP_ONGOING: _("The client relationship is still ongoing."),
    Refusal.RELATIONSHIP_ENDED: _(
        "The client relationship has ended: start a new one for a returning client first."
    ),
    Refusal.BEFORE_RELATIONSHIP: _("The date is before the client relationship started."),
    Refusal.END_BEFORE_START: _("The end cannot be before the start."),
    Refusal.ALREADY_REFERRED: _(
        "The client already has a referral in this client group for that time."
    ),
    Refusal.REFERRAL_ENDED: _("The referral has already ended."),
    Refusal.LATER_REFERRAL: _(
        "A referral begins on or after that day: end it or correct it first."
    ),
}
