using System.IO;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace IamOnboard.Rules;

/// <summary>Comparing policy documents as IAM stores them: the text as given, so the comparison has to read it as JSON.</summary>
internal static class PolicyJson
{
    /// <summary>
    /// Whether two documents are the same JSON: white space between tokens (layout) does not count, white space inside a
    /// string does ("Data Science" is not "DataScience"). A document that is not JSON is never the same.
    /// </summary>
    public static bool Same(string a, string b) =>
        Compact(a) is { } compactA && Compact(b) is { } compactB && compactA == compactB;

    // The document rewritten without layout; strings keep every character (escapes are written one way on both sides).
    private static string? Compact(string document)
    {
        try
        {
            using var parsed = JsonDocument.Parse(document);
            using var buffer = new MemoryStream();
            using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = false, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
            {
                parsed.WriteTo(writer);
            }

            return Encoding.UTF8.GetString(buffer.ToArray());
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
