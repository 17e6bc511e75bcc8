using System.Text.RegularExpressions;

namespace LatentMas.Native.Tasks.Scoring;

/// <summary>Finds <c>\boxed{...}</c> answers and strips LaTeX decoration from short answer strings.</summary>
public static partial class BoxedText
{
    /// <summary>Content of the last <c>\boxed{...}</c> or <c>\fbox{...}</c> (nested braces kept), or null.</summary>
    public static string? Last(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        string? found = null;
        foreach (Match m in BoxStart().Matches(text))
        {
            var start = m.Index + m.Length;
            var depth = 1;
            var i = start;
            for (; i < text.Length && depth > 0; i++)
            {
                if (text[i] == '{')
                    depth++;
                else if (text[i] == '}')
                    depth--;
            }
            // An unclosed box (output cut off) still counts, up to the end of the text.
            found = depth == 0 ? text[start..(i - 1)] : text[start..];
        }
        if (found is null && BoxSpace().Matches(text) is { Count: > 0 } spaced)
            found = spaced[^1].Groups[1].Value;   // "\boxed 5" without braces
        return found?.Trim();
    }

    /// <summary>Removes <c>\text{}</c>-style wrappers, math delimiters, spacing commands and surrounding braces.</summary>
    public static string StripLatex(string text)
    {
        var s = text;
        for (var i = 0; i < 3; i++)
            s = TextWrapper().Replace(s, "$1");
        s = s.Replace("\\left", "", StringComparison.Ordinal).Replace("\\right", "", StringComparison.Ordinal)
             .Replace("\\!", "", StringComparison.Ordinal).Replace("\\,", " ", StringComparison.Ordinal)
             .Replace("\\;", " ", StringComparison.Ordinal).Replace("\\ ", " ", StringComparison.Ordinal)
             .Replace("\\$", "$", StringComparison.Ordinal).Replace("\\%", "%", StringComparison.Ordinal)
             .Replace("{,}", ",", StringComparison.Ordinal).Replace("\\(", "", StringComparison.Ordinal)
             .Replace("\\)", "", StringComparison.Ordinal).Replace("\\[", "", StringComparison.Ordinal)
             .Replace("\\]", "", StringComparison.Ordinal);
        s = s.Trim();
        while (s.Length >= 2 && s[0] == '{' && s[^1] == '}')
            s = s[1..^1].Trim();
        return s;
    }

    [GeneratedRegex(@"\\(?:boxed|fbox)\s*\{")]
    private static partial Regex BoxStart();

    [GeneratedRegex(@"\\boxed\s+([^\s$]+)")]
    private static partial Regex BoxSpace();

    [GeneratedRegex(@"\\(?:text|textbf|textit|mathrm|mathbf|mbox|operatorname)\s*\{([^{}]*)\}")]
    private static partial Regex TextWrapper();
}
