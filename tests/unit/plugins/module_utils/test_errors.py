"""Azure errors made readable: what went wrong, what to do next, and operations that ended Failed or Canceled."""

from __future__ import annotations

import pytest
from ansible_collections.mlops.azure.plugins.module_utils import _errors as er
from azure.core.exceptions import (
    ClientAuthenticationError,
    HttpResponseError,
    ServiceRequestError,
    ServiceResponseError,
)
from azure_fakes import FakeResponse, arm_error


@pytest.mark.parametrize(
    "exc, words",
    [
        (arm_error(HttpResponseError, 409, "VaultAlreadyExists", "The vault name 'x' is already in use."), "global"),
        (arm_error(HttpResponseError, 403, "AuthorizationFailed", "no"), "role"),
        (arm_error(HttpResponseError, 429, "SubscriptionRequestsThrottled", "slow down"), "fewer forks"),
        (arm_error(HttpResponseError, 503, "ServiceUnavailable", "busy"), "run again later"),
        (arm_error(HttpResponseError, 400, "SomethingNew", "bad"), "documentation"),
        (ServiceRequestError("Connection refused"), "REQUESTS_CA_BUNDLE"),
        (ClientAuthenticationError("AADSTS7000215: Invalid client secret provided."), "client_id, secret"),
    ],
)
def test_hints(exc, words):
    details = er.describe_azure_error(exc)
    message = er.format_azure_failure("update", "thing 't'", details)
    assert message.startswith("Could not update thing 't'")
    assert words in message
    assert "What to do:" in message


def test_non_json_error_body():
    exc = HttpResponseError(response=FakeResponse(502, "<html>Bad Gateway</html>"))
    details = er.describe_azure_error(exc)
    assert details["status"] == 502 and details["code"] is None
    assert "run again later" in er.format_azure_failure("read", "x", details)


def _poll_failure(cause_name, status, body):
    cause = type(cause_name, (Exception,), {})("Operation failed or canceled")
    try:
        try:
            raise cause
        except Exception as inner:
            raise HttpResponseError(response=FakeResponse(status, body), error=inner) from inner
    except HttpResponseError as exc:
        return exc


def test_failed_provisioning_state_names_the_state_and_says_no_details():
    exc = _poll_failure("OperationFailed", 200, {"name": "kv1", "properties": {"provisioningState": "Failed"}})
    state, details = er.operation_outcome(exc)
    assert state == "Failed"
    message = er.format_operation_failure("create", "key vault 'kv1'", state, details)
    assert message.startswith("key vault 'kv1' ended in provisioning state Failed: Azure gave no error details")
    assert "invalid status" not in message and "Run again" in message


def test_failed_operation_status_carries_the_arm_error():
    body = {"status": "Canceled", "error": {"code": "OperationCanceled", "message": "It was canceled."}}
    state, details = er.operation_outcome(_poll_failure("OperationFailed", 200, body))
    assert state == "Canceled" and details["code"] == "OperationCanceled"
    message = er.format_operation_failure("update", "registry 'cr1'", state, details)
    assert message.startswith(
        "registry 'cr1' ended in provisioning state Canceled: OperationCanceled: It was canceled."
    )


def test_failed_location_poll_is_an_operation_failure():
    body = {"error": {"code": "InjectedFailure", "message": "Broken."}}
    state, details = er.operation_outcome(_poll_failure("BadStatus", 409, body))
    assert (state, details["code"], details["message"]) == ("Failed", "InjectedFailure", "Broken.")


def test_other_errors_are_not_operation_failures():
    assert er.operation_outcome(arm_error(HttpResponseError, 404, "ResourceNotFound", "gone")) is None
    assert er.operation_outcome(_poll_failure("BadStatus", 500, "<html>oops</html>")) is None


def test_broken_connection_to_the_token_endpoint_is_a_network_problem():
    try:
        try:
            raise ServiceResponseError("Connection aborted.")
        except ServiceResponseError as inner:
            raise ClientAuthenticationError("Authentication failed: ('Connection aborted.')") from inner
    except ClientAuthenticationError as exc:
        details = er.describe_azure_error(exc)
    message = er.format_azure_failure("get a token for", "the identity", details)
    assert "network problem, not a credential one" in message
    assert "check client_id" not in message.lower()
