using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace LatentMas.Native.Tasks.Data;

/// <summary>Typed access to the columns of one row, tolerant of how JSON and Parquet spell the same value.</summary>
internal static class RowReader
{
    /// <summary>The first of <paramref name="names"/> present in the row (exact name first, then ignoring case).</summary>
    public static JsonNode? Find(this JsonObject row, params string[] names)
    {
        foreach (var name in names)
            if (row.TryGetPropertyValue(name, out var node) && node is not null)
                return node;
        foreach (var name in names)
            foreach (var (key, node) in row)
                if (node is not null && string.Equals(key, name, StringComparison.OrdinalIgnoreCase))
                    return node;
        return null;
    }

    /// <summary>The value of the first present column as text (numbers in invariant form), or null.</summary>
    public static string? Text(this JsonObject row, params string[] names) => AsText(row.Find(names));

    /// <summary>Like <see cref="Text"/>, but a missing or empty column is a <see cref="DataFormatException"/>.</summary>
    public static string Require(this JsonObject row, string task, int index, params string[] names)
    {
        var text = row.Text(names);
        if (!string.IsNullOrWhiteSpace(text))
            return text;
        var present = string.Join(", ", row.Select(p => p.Key));
        throw new DataFormatException(
            $"{task}: row {index} has no '{string.Join("' or '", names)}' column (columns present: {present}). " +
            "Is the file in this benchmark's own layout?");
    }

    /// <summary>A list column as strings; a JSON-encoded list in a string column is accepted too.</summary>
    public static IReadOnlyList<string> TextList(this JsonObject row, params string[] names) => AsTextList(row.Find(names));

    /// <summary>Converts a node to a list of strings (null and scalars give an empty or one-element list).</summary>
    public static IReadOnlyList<string> AsTextList(JsonNode? node)
    {
        switch (node)
        {
            case null:
                return [];
            case JsonArray array:
                return [.. array.Select(AsText).Select(s => s ?? "")];
            case JsonValue value when value.GetValueKind() == JsonValueKind.String:
                var s = value.GetValue<string>();
                var trimmed = s.TrimStart();
                if (trimmed.StartsWith('['))
                {
                    try
                    {
                        if (JsonNode.Parse(trimmed) is JsonArray parsed)
                            return AsTextList(parsed);
                    }
                    catch (JsonException)
                    {
                        // Not JSON (a Python repr, say): keep it as one string.
                    }
                }
                return [s];
            default:
                return [AsText(node) ?? ""];
        }
    }

    /// <summary>A scalar node as text: strings as they are, integral numbers without a decimal point.</summary>
    public static string? AsText(JsonNode? node)
    {
        if (node is not JsonValue value)
            return node?.ToJsonString();
        switch (value.GetValueKind())
        {
            case JsonValueKind.String:
                return value.GetValue<string>();
            case JsonValueKind.Number:
                // The JSON text is the common ground of values parsed from JSON and created from Parquet cells.
                var raw = value.ToJsonString();
                if (long.TryParse(raw, NumberStyles.Integer, CultureInfo.InvariantCulture, out var l))
                    return l.ToString(CultureInfo.InvariantCulture);
                if (decimal.TryParse(raw, NumberStyles.Float, CultureInfo.InvariantCulture, out var m) && m == decimal.Truncate(m))
                    return decimal.Truncate(m).ToString(CultureInfo.InvariantCulture);
                return raw;
            case JsonValueKind.True:
                return "true";
            case JsonValueKind.False:
                return "false";
            case JsonValueKind.Null:
                return null;
            default:
                return value.ToJsonString();
        }
    }
}
