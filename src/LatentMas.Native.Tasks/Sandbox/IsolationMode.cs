namespace LatentMas.Native.Tasks.Sandbox;

/// <summary>How much the operating system lets the sandbox isolate a program.</summary>
public enum IsolationMode
{
    /// <summary>No namespaces: resource limits and a clean environment only; the network is reachable.</summary>
    None,

    /// <summary>A new network namespace only (PID and mount namespaces refused): no network, nothing else.</summary>
    NetworkOnly,

    /// <summary>New network, PID and mount namespaces without a user namespace (root only; a pids cgroup caps processes where possible).</summary>
    Namespaces,

    /// <summary>New user, network, PID and mount namespaces: no network, read-only file system, process limit enforced.</summary>
    UserNamespaces,
}
