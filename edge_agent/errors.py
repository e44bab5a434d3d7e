"""The agent's exceptions: one base class, one subclass per part that can refuse or fail."""


class AgentError(Exception):
    """Base of every error the edge agent raises on purpose."""


class ConfigError(AgentError):
    """The configuration file or an environment override is invalid; the message names file and field."""


class SourceError(AgentError):
    """A data source cannot be opened or produced unusable data."""


class ModelError(AgentError):
    """A model artifact that does not verify or does not match the agent's features; it is refused."""


class OutboxError(AgentError):
    """The local outbox database cannot be opened or written."""


class OutboxWriteError(OutboxError):
    """Records could not be stored (disk full or failing); they were dropped and counted."""


class DataDirError(AgentError):
    """The data folder is missing and cannot be made, or cannot be written; the message names the path."""
