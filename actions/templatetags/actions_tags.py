"""Small display helpers for action pages: RAG and status badges, always with words."""

from django import template
from django.utils.html import format_html
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


# The badges are on every row of every list, so they are built here rather than from a
# template each (a template per badge was a tenth of a list page's time: ``make bench``).


@register.simple_tag
def rag_badge(rag, long=False):
    """A RAG badge: colour and the word (and with ``long`` what it means)."""
    rag = str(rag or "")
    word = RAG_WORDS.get(rag, rag)
    if long:
        return format_html('<span class="badge badge-rag-{}">{}: {}</span>', rag, word,
                           RAG_MEANING.get(rag, ""))
    return format_html('<span class="badge badge-rag-{}">{}</span>', rag, word)


@register.simple_tag
def status_badge(status):
    status = str(status or "")
    label = ActionStatus(status).label if status in ActionStatus.values else status
    return format_html('<span class="badge {}">{}</span>',
                       STATUS_CLASS.get(status, "text-bg-light border"), label)


@register.filter
def status_label(status):
    return ActionStatus(status).label if status in ActionStatus.values else status


@register.simple_tag
def rag_reason(action, today):
    """Why an action has its RAG ("Overdue", "Blocked", "At risk"...), by the one rule."""
    return action.rag_explained(today)[1]


@register.simple_tag
def late_badge(action):
    """"Completed late" beside the RAG of an action marked complete after its target date
    (``Action.completed_late``): words, not a colour."""
    if not getattr(action, "completed_late", False):
        return ""
    return format_html(' <span class="badge badge-late">{}</span>', _("Completed late"))
