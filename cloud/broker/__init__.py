"""Broker security: per-client MQTT credentials and the Mosquitto password and ACL files that enforce them.

``python -m cloud.broker provision --gateways gw-01,gw-02 --out DIR`` writes ``passwd`` and ``acl`` for
Mosquitto plus the credentials each gateway agent and cloud service logs in with.
"""

from cloud.broker.acl import Grant, Role, gateway_grants, render_acl, service_grants
from cloud.broker.errors import BrokerSecurityError, CredentialsFileError
from cloud.broker.passwords import hash_password, verify_password
from cloud.broker.provision import SERVICES, Provisioned, provision, service_username, service_usernames

__all__ = [
    "SERVICES",
    "BrokerSecurityError",
    "CredentialsFileError",
    "Grant",
    "Provisioned",
    "Role",
    "gateway_grants",
    "hash_password",
    "provision",
    "render_acl",
    "service_grants",
    "service_username",
    "service_usernames",
    "verify_password",
]
