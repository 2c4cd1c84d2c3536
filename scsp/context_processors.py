from scsp.navigation import entries_for


def navigation(request):
    """The role-based navigation for the base template: top-level links and drop-down groups."""
    user = getattr(request, "user", None)
    items = [i for i in entries_for(user) if i["in_navbar"]]
    groups: dict[str, list[dict]] = {}
    for item in items:
        if item["group"]:
            groups.setdefault(item["group"], []).append(item)
    return {
        "nav_items": [i for i in items if not i["group"]],
        "nav_groups": list(groups.items()),
    }
