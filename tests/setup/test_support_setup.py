"""Issue 12: installing changes nobody's permissions, and one command sets up a new site.

``manage.py support_setup [--site …] [--groups]`` makes the policy, the two pages and the groups;
run again it changes nothing and says so. Done-when 4 runs ``migrate`` on a fresh database.
"""

import json
from io import StringIO

import pytest
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command
from wagtail.models import GroupPagePermission, Page, Site

from tests.factories import CoveragePolicyFactory, SupportedProductFactory
from tests.minimal_host.run import DOCUMENTED_APPS, run
from wagtail_support.models import CoveragePolicy, CoveragePolicyPage, SupportPage, SupportSettings

pytestmark = pytest.mark.django_db


def setup(*args):
    out, err = StringIO(), StringIO()
    call_command("support_setup", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def group_rights(name):
    group = Group.objects.get(name=name)
    return (
        set(group.permissions.values_list("content_type__app_label", "codename")),
        set(GroupPagePermission.objects.filter(group=group).values_list("page_id", "permission__codename")),
    )


def test_setup_creates_the_pages_and_a_published_default_policy_under_the_sites_root(default_site):
    setup()

    root = default_site.root_page
    support = SupportPage.objects.child_of(root).get()
    policy_page = CoveragePolicyPage.objects.child_of(root).get()
    assert (support.slug, support.title, support.live) == ("support", "Support", True)
    assert (policy_page.slug, policy_page.title, policy_page.live) == (
        "what-support-covers",
        "What support covers",
        True,
    )
    policy = SupportSettings.for_site(default_site).default_coverage_policy
    assert policy.live and policy.covered_items.exists() and policy.excluded_items.exists()
    assert policy_page.get_coverage_policy() == policy


def test_running_setup_twice_changes_nothing_and_says_so(default_site):
    setup("--groups")
    counts = (Page.objects.count(), CoveragePolicy.objects.count(), Group.objects.count())
    rights = {name: group_rights(name) for name in Group.objects.values_list("name", flat=True)}

    out, _ = setup("--groups")

    assert "Nothing to change" in out
    assert (Page.objects.count(), CoveragePolicy.objects.count(), Group.objects.count()) == counts
    assert {name: group_rights(name) for name in Group.objects.values_list("name", flat=True)} == rights


def test_setup_keeps_an_existing_default_policy(default_site):
    policy = CoveragePolicyFactory(title="Ours")
    SupportSettings.objects.create(site=default_site, default_coverage_policy=policy)

    setup()

    assert list(CoveragePolicy.objects.all()) == [policy]


def test_groups_are_the_apps_own_and_wagtails_groups_keep_their_rights(default_site):
    wagtail_groups = {name: group_rights(name) for name in ("Editors", "Moderators")}

    out, _ = setup("--groups")

    assert {name: group_rights(name) for name in ("Editors", "Moderators")} == wagtail_groups
    agents, agent_pages = group_rights("Support agents")
    assert ("wagtail_support", "reply_ticket") in agents and (
        "wagtail_support",
        "view_notification",
    ) in agents
    assert not agent_pages
    editors, editor_pages = group_rights("Support policy editors")
    assert ("wagtail_support", "publish_coveragepolicy") in editors
    policy_page = CoveragePolicyPage.objects.get()
    assert editor_pages == {(policy_page.pk, "change_page"), (policy_page.pk, "publish_page")}
    assert 'Created the group "Support agents".' in out


def test_without_groups_no_group_is_made(default_site):
    before = set(Group.objects.values_list("name", flat=True))

    setup()

    assert set(Group.objects.values_list("name", flat=True)) == before


def test_setup_of_a_second_site_by_hostname_uses_its_own_root(default_site):
    setup()
    other_root = Page.get_first_root_node().add_child(instance=Page(title="Other home", slug="other-home"))
    other = Site.objects.create(hostname="other.example", port=80, root_page=other_root)

    setup("--site", "other.example")

    assert SupportPage.objects.child_of(other_root).exists()
    assert CoveragePolicyPage.objects.child_of(other_root).exists()
    assert CoveragePolicy.objects.count() == 1  # the published policy is shared, not copied
    assert SupportSettings.for_site(other).default_coverage_policy is not None


def test_unknown_site_is_a_clear_error(default_site):
    with pytest.raises(CommandError, match="no site matches"):
        setup("--site", "nowhere.example")


def test_a_page_already_using_the_slug_is_reported_not_replaced(default_site):
    default_site.root_page.add_child(instance=Page(title="Our support", slug="support"))

    _, err = setup()

    assert 'A page with the slug "support" is already under' in err
    assert not SupportPage.objects.exists()
    assert CoveragePolicyPage.objects.exists()


def test_setup_prints_what_is_left_to_do_with_where_to_do_it(default_site):
    out, _ = setup()

    assert "Settings → Support settings" in out
    assert "Support → Products" in out
    assert "docs/shop-integration.md" in out
    assert "worker" in out

    SupportedProductFactory()
    settings = SupportSettings.for_site(default_site)
    settings.team_emails = "team@example.com"
    settings.save()
    out, _ = setup()
    assert "Settings → Support" not in out and "Support → Products" not in out


def test_setup_says_when_tasks_run_in_the_web_process_and_when_a_broker_is_missing(default_site):
    from celery import current_app

    eager, broker = current_app.conf.task_always_eager, current_app.conf.broker_url
    try:
        current_app.conf.task_always_eager = True
        out, _ = setup()
        assert "tasks run in the web process (CELERY_TASK_ALWAYS_EAGER)" in out
        assert "set CELERY_BROKER_URL" not in out  # it is set: only the trial setting is in the way
        current_app.conf.task_always_eager, current_app.conf.broker_url = False, ""
        out, _ = setup()
        assert "set CELERY_BROKER_URL" in out
    finally:
        current_app.conf.task_always_eager, current_app.conf.broker_url = eager, broker


def test_migrate_leaves_every_existing_groups_rights_unchanged_and_no_admin_page_fails(tmp_path):
    """Done-when 4 (and 3's second half): groups with page, collection and model permissions are
    made before the app's migrations run; after ``migrate`` each holds exactly what it held."""
    result = run(["-m", "tests.minimal_host.install_run"], tmp_path, add_apps=DOCUMENTED_APPS, timeout=600)
    assert result.returncode == 0, result.stderr[-3000:]
    report = json.loads(result.stdout.strip().splitlines()[-1])

    assert report["after"] == report["before"]
    assert report["before"]["Shop staff"]["page"] and report["before"]["Shop staff"]["collection"]
    assert "1:publish_page" not in report["after"]["Editors"]["page"]
    assert report["statuses"] and set(report["statuses"].values()) == {200}, report["statuses"]
