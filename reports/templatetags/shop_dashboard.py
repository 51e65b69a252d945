"""{% shop_dashboard %}: the admin front page's panels (templates/admin/index.html)."""

from django import template

from reports.dashboard import dashboard_for

register = template.Library()


@register.inclusion_tag("admin/dashboard.html", takes_context=True)
def shop_dashboard(context):
    return {"board": dashboard_for(user=context["request"].user), "request": context["request"]}
