namespace LatentMas.Native.Tasks.Sandbox;

/// <summary>The interpreter the sandbox runs.</summary>
/// <param name="Executable">Real path of the interpreter (shims such as pyenv's resolved).</param>
/// <param name="Version">Python version, e.g. 3.11.7.</param>
/// <param name="HasNumpy">Whether numpy imports; the EvalPlus tests (mbppplus, humanevalplus) import it.</param>
public sealed record PythonInfo(string Executable, string Version, bool HasNumpy);
