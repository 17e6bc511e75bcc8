using LatentMas.Native.Llama;
using LatentMas.Native.Tasks;
using Spectre.Console;

namespace LatentMas.Native.Cli.Commands;

/// <summary>Runs a command body and turns expected failures into one clear line and a non-zero exit code.</summary>
internal static class CommandRunner
{
    public const int Ok = 0;
    public const int Failed = 1;
    public const int BadInput = 2;
    public const int Cancelled = 130;

    /// <param name="body">The command; returns the exit code.</param>
    /// <param name="native">Whether it needs llama.cpp (loaded before the body runs).</param>
    /// <param name="verbose">Show llama.cpp's whole log instead of its errors only.</param>
    public static int Run(Func<int> body, bool native = true, bool verbose = false)
    {
        try
        {
            if (native)
            {
                NativeRuntime.Initialize(new NativeRuntimeOptions
                {
                    Log = verbose ? (_, text) => Console.Error.Write(text) : ErrorsOnly,
                });
            }
            return body();
        }
        catch (OperationCanceledException)
        {
            AnsiConsole.MarkupLine("[yellow]cancelled[/]");
            return Cancelled;
        }
        catch (Exception e) when (e is FileNotFoundException or ArgumentException or ContextOverflowException or NotSupportedException
                                      or UnknownTaskException or DataFormatException)
        {
            Error(e.Message);
            return BadInput;
        }
        catch (TaskException e)
        {
            // the dataset could not be downloaded, or python3 is missing for code tasks
            Error(e.Message);
            return Failed;
        }
        catch (LatentMasException e)
        {
            Error(e.Message);
            return Failed;
        }
        catch (IOException e)
        {
            Error(e.Message);
            return Failed;
        }
    }

    public static void Error(string message) => Console.Error.WriteLine($"error: {message}");

    private static void ErrorsOnly(NativeLogLevel level, string text)
    {
        if (level == NativeLogLevel.Error)
        {
            Console.Error.Write(text);
        }
    }
}
