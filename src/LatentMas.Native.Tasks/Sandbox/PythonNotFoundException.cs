namespace LatentMas.Native.Tasks.Sandbox;

/// <summary>No usable <c>python3</c>: the code benchmarks cannot be scored. Raised before any model work.</summary>
public sealed class PythonNotFoundException(string message, Exception? inner = null) : TaskException(message, inner);
