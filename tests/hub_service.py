"""A hub service's pages fetched as hub users, without a hub: the class
report's (tests/test_report_service.py) and the autograde queue's
(tests/test_autograde.py). Not a test module."""
import asyncio
import socket


def fake_hub_users(monkeypatch, prefix, scope):
    """Who the hub says is logging in, by the request's `who` cookie:
    HubOAuth's own handler code runs, with only the call to the hub
    replaced. prof is an instructor; ada a student; bob a student the
    service's role was widened to by mistake (he holds `scope`)."""
    from jupyterhub.services.auth import HubOAuth

    known = {
        "prof": {"kind": "user", "name": "prof", "groups": ["instructors"], "scopes": [scope]},
        "ada": {"kind": "user", "name": "ada", "groups": ["students"], "scopes": []},
        "bob": {"kind": "user", "name": "bob", "groups": ["students"], "scopes": [scope]},
    }
    monkeypatch.setenv("JUPYTERHUB_API_TOKEN", "test-token")
    monkeypatch.setenv("JUPYTERHUB_API_URL", "http://127.0.0.1:1/hub/api")
    monkeypatch.setenv("JUPYTERHUB_SERVICE_PREFIX", prefix)
    monkeypatch.setenv("JUPYTERHUB_OAUTH_ACCESS_SCOPES", f'["{scope}"]')
    monkeypatch.setattr(HubOAuth, "get_user", lambda self, handler, sync=True: known.get(handler.get_cookie("who")))
    # HubOAuth is one per process (a service's): one service's test must not
    # inherit another's.
    HubOAuth.clear_instance()
    return known


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch_as(app, prefix, requests):
    """[(status, body)] for each (who, path) of `requests`, from the tornado
    `app` listening on a free port of loopback under `prefix`."""
    from tornado.httpclient import AsyncHTTPClient

    async def run():
        port = free_port()
        server = app.listen(port, "127.0.0.1")
        results = []
        for who, path in requests:
            response = await AsyncHTTPClient().fetch(f"http://127.0.0.1:{port}{prefix}{path}",
                                                     headers={"Cookie": f"who={who}"}, raise_error=False,
                                                     follow_redirects=False)
            results.append((response.code, response.body.decode()))
        server.stop()
        return results

    return asyncio.run(run())
