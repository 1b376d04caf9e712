"""The sandbox's exception hierarchy: every failure of the platform is a ``SandboxError``.

What the candidate's code does (crash, time out, flood) is never an exception: it is a ``TestOutcome``.
An exception from ``sandbox.run`` means the run says nothing about the candidate: retry it.
"""


class SandboxError(Exception):
    """Root of everything the sandbox raises."""


class EngineUnavailable(SandboxError):
    """The Docker engine cannot be reached (run scripts/docker-setup)."""


class ImageMissing(SandboxError):
    """The sandbox image is not present on the engine (run scripts/docker-setup)."""


class JobRejected(SandboxError):
    """The job is invalid or over a static limit (e.g. source size); no container was started."""


class ContainerFailed(SandboxError):
    """The engine could not create, start or talk to a sandbox container."""


class HarnessError(SandboxError):
    """The in-container harness reported a failure of its own."""
