namespace LatentMas.Native;

/// <summary>Base of every error the engine raises on purpose; the message names the problem and what to do.</summary>
public class LatentMasException : Exception
{
    /// <summary>Creates the exception.</summary>
    public LatentMasException(string message, Exception? inner = null) : base(message, inner) { }
}

/// <summary>The shim or llama.cpp could not be found, loaded, or is of another ABI version.</summary>
public sealed class NativeLibraryException(string message, Exception? inner = null) : LatentMasException(message, inner);

/// <summary>A status other than success came back from the shim. <see cref="Status"/> is the shim's code.</summary>
public class NativeCallException(int status, string message) : LatentMasException(message)
{
    /// <summary>The shim's status code (lms.h, LMS_ERR_*).</summary>
    public int Status { get; } = status;
}

/// <summary>The shim refused an argument (a range, a size, a combination).</summary>
public sealed class NativeArgumentException(int status, string message) : NativeCallException(status, message);

/// <summary>A file could not be opened, read or written.</summary>
public sealed class NativeIOException(int status, string message) : NativeCallException(status, message);

/// <summary>A file is not a GGUF, is truncated, or is a GGUF that llama.cpp cannot load as a model.</summary>
public sealed class InvalidModelFileException(int status, string message) : NativeCallException(status, message);

/// <summary>A named tensor or metadata key does not exist.</summary>
public sealed class NativeNotFoundException(int status, string message) : NativeCallException(status, message);

/// <summary>The KV cache has no free cells for the batch: use a larger context or remove positions.</summary>
public sealed class KvCacheFullException(int status, string message) : NativeCallException(status, message);

/// <summary>llama.cpp failed while decoding.</summary>
public sealed class DecodeException(int status, string message) : NativeCallException(status, message);

/// <summary>An unexpected failure inside the shim (a C++ exception caught at the boundary).</summary>
public sealed class NativeInternalException(int status, string message) : NativeCallException(status, message);

/// <summary>Input would not fit the context: a position at or past its size.</summary>
public sealed class ContextOverflowException(string message) : LatentMasException(message);
