"""The opt-in token cache (MLOPS_AZURE_TOKEN_CACHE): the tasks of a run share one encrypted token file, and a cached
token never stands in for a secret that is wrong."""

from __future__ import annotations

RG = "rg-it-tokencache"


def test_tasks_share_one_encrypted_token_and_a_wrong_secret_still_fails(play, clean_emulator, tmp_path):
    cache = tmp_path / "cache"
    env = {"XDG_CACHE_HOME": str(cache), "MLOPS_AZURE_TOKEN_CACHE": "true"}
    tasks = [
        {"mlops.azure.resource_group": {"name": RG, "location": "westeurope"}},
        {"mlops.azure.resource_group_info": {"name": RG}},
        {"mlops.azure.resource_group_info": {"name": RG}},
    ]
    results = play(tasks, extra_env=env)
    assert not any(result.get("failed") for result in results), results
    assert results[2]["resource_groups"][0]["name"] == RG
    files = sorted((cache / "mlops.azure").glob("token-*.bin"))
    assert len(files) == 1, "one principal, one authority, one scope: one file"
    assert clean_emulator.env["AZURE_SECRET"].encode() not in files[0].read_bytes()

    wrong = dict(env, AZURE_SECRET="not-the-secret")
    (result,) = play([{"mlops.azure.resource_group_info": {"name": RG}}], extra_env=wrong)
    assert result.get("failed"), "a cached token must not authenticate a principal whose secret is wrong"
    assert "secret" in result["msg"].lower() or "401" in result["msg"] or "invalid_client" in result["msg"]

    # Without the switch no token file is written.
    off = tmp_path / "off"
    results = play(tasks[1:], extra_env={"XDG_CACHE_HOME": str(off)})
    assert not any(result.get("failed") for result in results), results
    assert not list((off / "mlops.azure").glob("token-*.bin"))
