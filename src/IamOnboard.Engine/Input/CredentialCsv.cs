using System;
using System.Collections.Generic;
using System.IO;
using System.Text;

namespace IamOnboard.Input;

/// <summary>One person's line in the credentials file. <see cref="ToString"/> leaves the secrets out.</summary>
public sealed class CredentialCsvRow
{
    public CredentialCsvRow(string userName, string consoleLoginLink)
    {
        UserName = userName ?? throw new ArgumentNullException(nameof(userName));
        ConsoleLoginLink = consoleLoginLink ?? throw new ArgumentNullException(nameof(consoleLoginLink));
    }

    public string UserName { get; }

    /// <summary>The initial console password; null when the user got no console access.</summary>
    public string? Password { get; init; }

    public string? AccessKeyId { get; init; }

    public string? SecretAccessKey { get; init; }

    public string ConsoleLoginLink { get; }

    public override string ToString() =>
        $"{UserName} (password: {(Password is null ? "no" : "yes")}, access key: {AccessKeyId ?? "none"})";
}

/// <summary>
/// The credentials file of the classic IAM console wizard, which <c>aws configure import --csv</c> reads as is.
/// </summary>
/// <remarks>
/// Values are written exactly as they are, quoted per RFC 4180 where needed, with no guard against spreadsheet formula
/// injection (a leading '=', '+', '-' or '@'): IAM user names may legitimately start with those characters, and a
/// prefixed or altered value would no longer match the user or the key when the file is imported by the AWS CLI. The
/// file holds secrets and is meant for its recipient, not to be opened in a shared spreadsheet.
/// </remarks>
public static class CredentialCsv
{
    public const string Header = "User name,Password,Access key ID,Secret access key,Console login link";

    /// <summary>Writes the header and one line per row, CRLF line ends (RFC 4180).</summary>
    public static void Write(TextWriter writer, IEnumerable<CredentialCsvRow> rows)
    {
        if (writer is null)
        {
            throw new ArgumentNullException(nameof(writer));
        }

        if (rows is null)
        {
            throw new ArgumentNullException(nameof(rows));
        }

        WriteHeader(writer);
        foreach (var row in rows)
        {
            WriteRow(writer, row);
        }
    }

    public static void WriteHeader(TextWriter writer)
    {
        writer.Write(Header);
        writer.Write("\r\n");
    }

    public static void WriteRow(TextWriter writer, CredentialCsvRow row)
    {
        writer.Write(Quote(row.UserName));
        writer.Write(',');
        writer.Write(Quote(row.Password));
        writer.Write(',');
        writer.Write(Quote(row.AccessKeyId));
        writer.Write(',');
        writer.Write(Quote(row.SecretAccessKey));
        writer.Write(',');
        writer.Write(Quote(row.ConsoleLoginLink));
        writer.Write("\r\n");
    }

    /// <summary>A field as RFC 4180 wants it: in double quotes, inner quotes doubled, when it holds a comma, quote or line break.</summary>
    internal static string Quote(string? field)
    {
        if (string.IsNullOrEmpty(field))
        {
            return string.Empty;
        }

        if (field!.IndexOfAny(new[] { ',', '"', '\r', '\n' }) < 0)
        {
            return field;
        }

        var builder = new StringBuilder(field.Length + 2);
        builder.Append('"').Append(field.Replace("\"", "\"\"")).Append('"');
        return builder.ToString();
    }
}
