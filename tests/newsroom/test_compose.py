"""Docker cannot run here, so check that the compose stack names real entry points."""

import importlib
import importlib.util
import re
import shlex
from pathlib import Path

import yaml

PROJECT_DIR = Path(__file__).resolve().parents[2]
COMPOSE = yaml.safe_load((PROJECT_DIR / "docker-compose.yml").read_text())
SERVICES = COMPOSE["services"]


def module_exists(dotted: str) -> bool:
    return importlib.util.find_spec(dotted) is not None


def test_compose_has_every_service_of_the_stack():
    assert {"db", "redis", "web", "worker", "beat", "mailpit"} <= set(SERVICES)
    assert SERVICES["db"]["image"].startswith("postgres:16")
    assert "healthcheck" in SERVICES["db"]


def test_web_worker_and_beat_share_one_image_and_one_env_file():
    app_services = [SERVICES[name] for name in ("web", "worker", "beat")]
    assert len({s.get("image") for s in app_services}) == 1
    assert len({str(s.get("env_file")) for s in app_services}) == 1
    build = SERVICES["web"]["build"]
    context = build["context"] if isinstance(build, dict) else build
    assert (PROJECT_DIR / context / "Dockerfile").exists()
    for env_file in SERVICES["web"]["env_file"]:
        assert (PROJECT_DIR / env_file).exists()


def test_web_command_names_an_existing_wsgi_application():
    args = shlex.split(SERVICES["web"]["command"])
    assert args[0] == "gunicorn"
    module, _, attribute = next(a for a in args if ":" in a and not a.startswith("-")).partition(
        ":"
    )
    assert module_exists(module)
    assert hasattr(importlib.import_module(module), attribute)


def test_worker_and_beat_commands_name_the_celery_app():
    for name, subcommand in (("worker", "worker"), ("beat", "beat")):
        args = shlex.split(SERVICES[name]["command"])
        assert args[:3] == ["celery", "-A", "newsroom"]
        assert subcommand in args
    assert module_exists("newsroom.celery")


def test_only_the_edge_and_mailpit_publish_a_port():
    published = {name for name, service in SERVICES.items() if service.get("ports")}

    assert published == {"edge", "mailpit"}
    assert "gunicorn" in SERVICES["web"]["command"]


def test_the_proxy_serves_static_and_media_from_the_volumes_the_app_fills():
    proxy = SERVICES["proxy"]
    template_mount = next(v for v in proxy["volumes"] if "templates" in v)
    template = PROJECT_DIR / template_mount.split(":")[0]
    variables = set(re.findall(r"\$\{(\w+)\}", template.read_text()))

    assert proxy["image"].startswith("nginx:")
    assert variables == set(proxy["environment"])
    assert proxy["environment"]["NEWSROOM_APP"] == "web:8000"
    assert f"media:{proxy['environment']['NEWSROOM_MEDIA']}:ro" in proxy["volumes"]
    assert f"static:{proxy['environment']['NEWSROOM_STATIC']}:ro" in proxy["volumes"]
    for name in ("web", "worker"):
        assert "media:/app/var/media" in SERVICES[name]["volumes"]
    assert "/app/var/static/." in SERVICES["static"]["command"]


def test_the_app_trusts_exactly_the_two_proxies_in_front_of_it_on_their_network():
    env = dict(
        line.split("=", 1)
        for line in (PROJECT_DIR / "compose.env").read_text().splitlines()
        if line and not line.startswith("#")
    )

    network = COMPOSE["networks"]["default"]["ipam"]["config"][0]["subnet"]
    vcl = (PROJECT_DIR / "deploy" / "varnish" / "default.vcl").read_text()
    assert env["TRUSTED_PROXY_COUNT"] == "2"
    assert env["TRUSTED_PROXY_NETWORKS"] == network
    assert '"{}"/{};'.format(*network.split("/")) in vcl  # the app may purge the edge
    assert env["CDN_PURGE_URL"] == "http://edge/"
    assert env["SITE_URL"] and env["DEFAULT_FROM_EMAIL"]


def test_the_edge_runs_the_project_s_vcl_in_front_of_the_proxy():
    edge = SERVICES["edge"]
    vcl_mount = next(v for v in edge["volumes"] if v.endswith(".vcl:ro"))
    vcl = (PROJECT_DIR / vcl_mount.split(":")[0]).read_text()

    assert edge["image"].startswith("varnish:")
    assert '.host = "proxy";' in vcl and '.port = "80";' in vcl
    assert "import xkey;" in vcl
