using System;
using System.Collections;
using System.Globalization;
using System.IO;
using System.Management.Automation;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace IamOnboard.Commands.Infrastructure;

/// <summary>
/// Writes a policy given as a PowerShell hashtable or [pscustomobject] (ConvertFrom-Json's output) as JSON, keeping
/// key order and single values as they are.
/// </summary>
internal static class PolicyJson
{
    public static string FromDictionary(IDictionary table) => FromObject(table);

    /// <summary>A [pscustomobject], as PowerShell passes it (wrapped): its note properties are the policy's members.</summary>
    public static string FromCustomObject(PSObject shaped) => FromObject(shaped);

    private static string FromObject(object document)
    {
        using var buffer = new MemoryStream();
        // The relaxed encoder writes & ' < > + and Latin-1 letters as they are, as a policy given as text has them:
        // escaped, each would count 6 characters against IAM's size quota and be stored escaped. Quotes, backslashes and
        // control characters are still escaped, as JSON requires.
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            Write(writer, document);
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static void Write(Utf8JsonWriter writer, object? value)
    {
        if (value is PSObject { BaseObject: PSCustomObject } shaped)
        {
            // A [pscustomobject] inside a hashtable, or ConvertFrom-Json's objects: written as its properties, never as
            // its ToString(), which is empty.
            writer.WriteStartObject();
            foreach (var property in shaped.Properties)
            {
                writer.WritePropertyName(property.Name);
                Write(writer, property.Value);
            }

            writer.WriteEndObject();
            return;
        }

        value = value is PSObject wrapped ? wrapped.BaseObject : value;
        switch (value)
        {
            case null:
                writer.WriteNullValue();
                break;
            case string text:
                writer.WriteStringValue(text);
                break;
            case bool flag:
                writer.WriteBooleanValue(flag);
                break;
            case IDictionary dictionary:
                writer.WriteStartObject();
                foreach (DictionaryEntry entry in dictionary)
                {
                    writer.WritePropertyName(Convert.ToString(entry.Key, CultureInfo.InvariantCulture) ?? string.Empty);
                    Write(writer, entry.Value);
                }

                writer.WriteEndObject();
                break;
            case IEnumerable items:
                writer.WriteStartArray();
                foreach (var item in items)
                {
                    Write(writer, item);
                }

                writer.WriteEndArray();
                break;
            case DateTime date:
                // IAM's date condition operators take ISO 8601 (2026-12-31T00:00:00Z), not the culture's "12/31/2026 00:00:00".
                // An unspecified kind is local time, as Test-OnboardAccess -Context reads a [datetime] too.
                writer.WriteStringValue(IsoUtc(date.ToUniversalTime()));
                break;
            case DateTimeOffset offset:
                writer.WriteStringValue(IsoUtc(offset.UtcDateTime));
                break;
            case IFormattable number when value is int or long or double or decimal:
                writer.WriteRawValue(number.ToString(null, CultureInfo.InvariantCulture));
                break;
            default:
                writer.WriteStringValue(Convert.ToString(value, CultureInfo.InvariantCulture));
                break;
        }
    }

    private static string IsoUtc(DateTime utc) =>
        utc.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
