from scsp.navigation import entries_for


def navigation(request):
    """The role-based navigation for the base template."""
    user = getattr(request, "user", None)
    items = entries_for(user)
    return {"nav_items": [i for i in items if i["in_navbar"]]}
