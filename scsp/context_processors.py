from scsp.mfa import passed
from scsp.navigation import entries_for


def navigation(request):
    """The role-based navigation for the base template: top-level links and drop-down groups.
    None until the second factor is done (the pages would only send the person back)."""
    user = getattr(request, "user", None)
    pending = bool(getattr(user, "is_authenticated", False) and not passed(request))
    if pending:
        return {"nav_items": [], "nav_groups": [], "second_factor_pending": True}
    items = [i for i in entries_for(user) if i["in_navbar"]]
    groups: dict[str, list[dict]] = {}
    for item in items:
        if item["group"]:
            groups.setdefault(item["group"], []).append(item)
    return {
        "nav_items": [i for i in items if not i["group"]],
        "nav_groups": list(groups.items()),
    }


def session_timing(request):
    """The session's deadlines for ``<body>`` (static/js/session.js warns before the end)."""
    user = getattr(request, "user", None)
    if not getattr(user, "is_authenticated", False) or not hasattr(request, "session"):
        return {}
    from scsp.middleware import session_status

    return {"session_timing": session_status(request)}
