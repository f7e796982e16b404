"""The dashboards analysts work from (R9–R12): their tabs, names and what kind of record each
lists. The SQL of each tab lives in store/queries.py; this catalogue is what the interface needs
to draw the tabs before the store is loaded."""

from __future__ import annotations

from dataclasses import dataclass

from helpdesk_tui.domain.errors import RuleViolation
from helpdesk_tui.i18n import N_, _


@dataclass(frozen=True)
class TabInfo:
    key: str
    label: str
    kind: str


@dataclass(frozen=True)
class DashboardInfo:
    key: str
    label: str
    tabs: tuple[TabInfo, ...]

    def tab(self, key: str) -> TabInfo:
        for tab in self.tabs:
            if tab.key == key:
                return tab
        raise RuleViolation(
            _("Unknown tab «{key}»; one of: {keys}").format(key=key, keys=", ".join(t.key for t in self.tabs))
        )


CATALOGUE: dict[str, DashboardInfo] = {
    d.key: d
    for d in (
        DashboardInfo("analyst", N_("Support analyst"), (
            TabInfo("unclassified", N_("All unclassified incidents"), "incident"),
            TabInfo("team-unassigned", N_("Unassigned incidents of my team"), "incident"),
            TabInfo("my-action", N_("Incidents that need my action"), "incident"),
            TabInfo("awaiting", N_("Incidents awaiting the user or third parties"), "incident"),
        )),
        DashboardInfo("incidents-requests", N_("Incidents – Service requests"), (
            TabInfo("team-incidents", N_("Active incidents of my team"), "incident"),
            TabInfo("team-tasks", N_("Open tasks of my team"), "task"),
            TabInfo("team-requests", N_("Active service requests of my team"), "service_request"),
        )),
        DashboardInfo("tasks", N_("Tasks"), (
            TabInfo("team-unassigned", N_("Unassigned tasks of my team"), "task"),
            TabInfo("team-assigned", N_("Assigned tasks of my team"), "task"),
            TabInfo("my-active", N_("My active tasks"), "task"),
            TabInfo("my-done", N_("My completed tasks"), "task"),
        )),
        DashboardInfo("requests", N_("Service request"), (
            TabInfo("awaiting-approval", N_("Requests awaiting approval"), "service_request"),
            TabInfo("active", N_("All active service requests"), "service_request"),
            TabInfo("team-active", N_("Active service requests of my team"), "service_request"),
            TabInfo("my-active", N_("My active service requests"), "service_request"),
            TabInfo("my-done", N_("Completed requests assigned to me"), "service_request"),
            TabInfo("registered-by-me", N_("Requests registered by me"), "service_request"),
        )),
        # Issue 19: problem management — the causes behind incidents, from registration to closure.
        DashboardInfo("problems", N_("Problems"), (
            TabInfo("open", N_("Open problems"), "problem"),
            TabInfo("known-errors", N_("Known errors"), "problem"),
            TabInfo("team-open", N_("Open problems of my team"), "problem"),
            TabInfo("my-open", N_("My open problems"), "problem"),
            TabInfo("resolved", N_("Resolved problems to close"), "problem"),
        )),
    )
}

# Every list's order until the analyst chooses another: newest first.
DEFAULT_SORT = ("created_at", True)
