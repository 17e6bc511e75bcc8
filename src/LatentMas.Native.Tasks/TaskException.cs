namespace LatentMas.Native.Tasks;

/// <summary>Base of every error this library raises on purpose; the message names the problem and what to do.</summary>
public class TaskException : Exception
{
    /// <summary>Creates the exception.</summary>
    public TaskException(string message, Exception? inner = null) : base(message, inner) { }
}

/// <summary>A task name that the catalogue does not know.</summary>
public sealed class UnknownTaskException(string message) : TaskException(message);

/// <summary>A data file that cannot be read, or a row that lacks the columns its benchmark needs.</summary>
public sealed class DataFormatException(string message, Exception? inner = null) : TaskException(message, inner);
