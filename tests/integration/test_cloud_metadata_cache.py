"""The cloud metadata of a custom cloud (here the emulator) is fetched once per URL for the tasks of a run."""

from __future__ import annotations

from playbook_helpers import CLEAR_REQUESTS

RG = "rg-it-cloudcache"


def metadata_reads(requests):
    return [r for r in requests if r["method"] == "GET" and r["path"].rstrip("/") == "/metadata/endpoints"]


def tasks():
    return [
        CLEAR_REQUESTS,
        {"mlops.azure.resource_group": {"name": RG, "location": "westeurope"}},
        {"mlops.azure.resource_group_info": {"name": RG}},
        {"mlops.azure.location_info": {}},
        {"mlops.azure.resource_group_info": {"name": RG}},
    ]


def test_a_multi_task_play_fetches_the_metadata_once(play, clean_emulator, tmp_path):
    results = play(tasks(), extra_env={"XDG_CACHE_HOME": str(tmp_path / "cache")})
    assert not any(result.get("failed") for result in results), results
    assert len(metadata_reads(clean_emulator.requests())) == 1

    # The next run within the cache's lifetime fetches it no more.
    results = play(tasks(), extra_env={"XDG_CACHE_HOME": str(tmp_path / "cache")})
    assert not any(result.get("failed") for result in results), results
    assert metadata_reads(clean_emulator.requests()) == []


def test_with_the_cache_off_every_task_fetches_it(play, clean_emulator, tmp_path):
    env = {"XDG_CACHE_HOME": str(tmp_path / "cache"), "MLOPS_AZURE_CLOUD_CACHE_TTL": "0"}
    results = play(tasks(), extra_env=env)
    assert not any(result.get("failed") for result in results), results
    assert len(metadata_reads(clean_emulator.requests())) == 4
    assert not (tmp_path / "cache" / "mlops.azure").exists()
