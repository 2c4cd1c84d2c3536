"""Small display helpers for action pages: RAG and status badges, always with words."""

from django import template
from django.utils.translation import gettext_lazy as _

from actions.models import ActionStatus, Rag

register = template.Library()

RAG_WORDS = {Rag.RED: _("Red"), Rag.AMBER: _("Amber"), Rag.GREEN: _("Green"),
             Rag.BLUE: _("Blue")}
RAG_MEANING = {r.value: r.label.split(": ", 1)[-1] for r in Rag}
STATUS_CLASS = {
    ActionStatus.NOT_STARTED: "text-bg-light border",
    ActionStatus.IN_PROGRESS: "text-bg-light border",
    ActionStatus.AWAITING_SIGN_OFF: "status-awaiting",
    ActionStatus.SIGNED_OFF: "status-done",
    ActionStatus.RETURNED: "status-returned",
    ActionStatus.CLOSED_NOT_COMPLETED: "text-bg-secondary",
}


@register.inclusion_tag("actions/includes/rag.html")
def rag_badge(rag, long=False):
    """A RAG badge: colour and the word (and with ``long`` what it means)."""
    rag = str(rag or "")
    return {"rag": rag, "word": RAG_WORDS.get(rag, rag), "meaning": RAG_MEANING.get(rag, ""),
            "long": long}


@register.inclusion_tag("actions/includes/status.html")
def status_badge(status):
    status = str(status or "")
    label = ActionStatus(status).label if status in ActionStatus.values else status
    return {"label": label, "css": STATUS_CLASS.get(status, "text-bg-light border")}


@register.filter
def status_label(status):
    return ActionStatus(status).label if status in ActionStatus.values else status


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if mapping else None


@register.simple_tag
def rag_reason(action, today):
    """Why an action has its RAG ("Overdue", "Blocked", "At risk"...), by the one rule."""
    return action.rag_explained(today)[1]
