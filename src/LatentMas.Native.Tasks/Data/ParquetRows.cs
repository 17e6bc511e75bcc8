using System.Collections;
using System.Globalization;
using System.Numerics;
using System.Text.Json.Nodes;
using Parquet;
using Parquet.Serialization;

namespace LatentMas.Native.Tasks.Data;

/// <summary>Reads a Parquet file into JSON rows, so that every loader works on one representation.</summary>
internal static class ParquetRows
{
    public static async Task<List<JsonObject>> ReadAsync(string path, CancellationToken ct)
    {
        await using var stream = File.OpenRead(path);
        // Some writers leave string columns without the UTF8 annotation; datasets of text want them as text.
        var options = new ParquetOptions { TreatByteArrayAsString = true };
        var result = await ParquetSerializer.DeserializeUntypedAsync(stream, options, cancellationToken: ct).ConfigureAwait(false);
        var rows = new List<JsonObject>(result.Data.Count);
        foreach (var row in result.Data)
        {
            var obj = new JsonObject();
            foreach (var (key, value) in row)
                obj[key] = ToNode(value);
            rows.Add(obj);
        }
        return rows;
    }

    /// <summary>Converts one cell (scalar, struct, list or map) to a JSON node.</summary>
    internal static JsonNode? ToNode(object? value)
    {
        switch (value)
        {
            case null:
                return null;
            case string s:
                return JsonValue.Create(s);
            case ReadOnlyMemory<char> chars:
                return JsonValue.Create(chars.ToString());
            case bool b:
                return JsonValue.Create(b);
            case sbyte or byte or short or ushort or int or uint or long:
                return JsonValue.Create(Convert.ToInt64(value, CultureInfo.InvariantCulture));
            case ulong u:
                return JsonValue.Create(u);
            case float or double or Half:
                var d = Convert.ToDouble(value, CultureInfo.InvariantCulture);
                // JSON has no NaN or infinity; keep them readable as text.
                return double.IsFinite(d) ? JsonValue.Create(d) : JsonValue.Create(d.ToString(CultureInfo.InvariantCulture));
            case decimal m:
                return JsonValue.Create(m);
            case BigInteger big:
                return JsonValue.Create(big.ToString(CultureInfo.InvariantCulture));
            case DateTime dt:
                return JsonValue.Create(dt.ToString("O", CultureInfo.InvariantCulture));
            case DateTimeOffset dto:
                return JsonValue.Create(dto.ToString("O", CultureInfo.InvariantCulture));
            case byte[] bytes:
                return JsonValue.Create(Convert.ToBase64String(bytes));
            case IEnumerable<KeyValuePair<string, object?>> pairs:
                var obj = new JsonObject();
                foreach (var (k, v) in pairs)
                    obj[k] = ToNode(v);
                return obj;
            case IDictionary dict:
                var map = new JsonObject();
                foreach (DictionaryEntry entry in dict)
                    map[Convert.ToString(entry.Key, CultureInfo.InvariantCulture) ?? ""] = ToNode(entry.Value);
                return map;
            case IEnumerable items:
                var array = new JsonArray();
                foreach (var item in items)
                    array.Add(ToNode(item));
                return array;
            default:
                return JsonValue.Create(Convert.ToString(value, CultureInfo.InvariantCulture));
        }
    }
}
