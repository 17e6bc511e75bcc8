using System.Text.RegularExpressions;

namespace LatentMas.Native.Tasks.Scoring;

/// <summary>Finds the program in a model's output: the last fenced Python block.</summary>
public static partial class CodeAnswer
{
    /// <summary>
    /// The body of the last <c>```python</c> (or <c>```py</c>, <c>```python3</c>) block; when there is none, the last
    /// untagged block; an unclosed python block at the end (cut-off output) counts. Null when there is no block.
    /// </summary>
    public static string? ExtractLastPythonBlock(string output)
    {
        ArgumentNullException.ThrowIfNull(output);
        string? lastPython = null, lastPlain = null;
        var lastPythonEnd = -1;
        foreach (Match m in Fenced().Matches(output))
        {
            var lang = m.Groups["lang"].Value.ToLowerInvariant();
            if (lang is "python" or "py" or "python3")
            {
                lastPython = m.Groups["body"].Value;
                lastPythonEnd = m.Index + m.Length;
            }
            else if (lang.Length == 0)
            {
                lastPlain = m.Groups["body"].Value;
            }
        }
        var open = Unclosed().Match(output, Math.Max(0, lastPythonEnd));
        if (open.Success && !open.Groups["body"].Value.Contains("```", StringComparison.Ordinal))
            lastPython = open.Groups["body"].Value;
        var code = lastPython ?? lastPlain;
        return string.IsNullOrWhiteSpace(code) ? null : code.TrimEnd() + "\n";
    }

    [GeneratedRegex(@"```[ \t]*(?<lang>[A-Za-z0-9_+\-]*)[^\n]*\n(?<body>.*?)```", RegexOptions.Singleline)]
    private static partial Regex Fenced();

    [GeneratedRegex(@"```[ \t]*(?:python3?|py)[ \t]*\n(?<body>.*)\z", RegexOptions.Singleline | RegexOptions.IgnoreCase)]
    private static partial Regex Unclosed();
}
