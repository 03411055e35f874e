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

    /// <summary>The serial number (ARN) of the virtual MFA device whose seed is in <see cref="MfaSeed"/>.</summary>
    public string? MfaSerialNumber { get; init; }

    /// <summary>The virtual MFA device's base32 seed, given out with -IncludeSeed; null otherwise.</summary>
    public string? MfaSeed { get; init; }

    public string ConsoleLoginLink { get; }

    public override string ToString() =>
        $"{UserName} (password: {(Password is null ? "no" : "yes")}, access key: {AccessKeyId ?? "none"}, MFA seed: {(MfaSeed is null ? "no" : "yes")})";
}

/// <summary>The layouts of the credentials file.</summary>
public enum CredentialCsvFormat
{
    /// <summary>The classic IAM console wizard's file: everyone, with password, key and sign-in link.</summary>
    Console,

    /// <summary>
    /// The file <c>aws configure import --csv</c> imports: only users with a new access key (the CLI refuses a row
    /// without one), the key columns first (the CLI splits lines on every comma, so nothing before them may hold one),
    /// then the password and sign-in link, which the CLI ignores.
    /// </summary>
    AwsCliImport,
}

/// <summary>
/// The credentials file: the classic IAM console wizard's layout, or the key holders' file the AWS CLI imports
/// (<see cref="CredentialCsvFormat"/>).
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

    /// <summary>The console layout with the MFA device and its seed, for devices enrolled with -IncludeSeed.</summary>
    public const string MfaHeader = Header + ",MFA device,MFA seed";

    public const string AwsCliImportHeader = "User name,Access key ID,Secret access key,Password,Console login link";

    /// <summary>True when the row has a line in a file of this format: the CLI's file holds key holders only.</summary>
    public static bool Holds(CredentialCsvRow row, CredentialCsvFormat format) =>
        format == CredentialCsvFormat.Console || HasKey(row);

    private static bool HasKey(CredentialCsvRow row) => row.AccessKeyId is not null && row.SecretAccessKey is not null;

    /// <summary>
    /// Why the row cannot go into a file of this format without losing or garbling a secret, or null. The AWS CLI's file
    /// has no line for a user without a key, so such a user's password would be lost; and the CLI splits lines on every
    /// comma, so a user name with one would import the key under the wrong name.
    /// </summary>
    public static string? CannotHold(CredentialCsvRow row, CredentialCsvFormat format)
    {
        if (format != CredentialCsvFormat.AwsCliImport)
        {
            return null;
        }

        if (row.MfaSeed is not null)
        {
            return $"{row.UserName}: the MFA seed (-IncludeSeed) has no place in the AWS CLI's import file and would be lost. Export such users with -Format Console.";
        }

        if (!HasKey(row) && row.Password is not null)
        {
            return $"{row.UserName} has a new console password but no access key, and the AWS CLI's import file holds only users with a key: the password would be lost. Export such users with -Format Console.";
        }

        return row.UserName.IndexOf(',') >= 0
            ? $"{row.UserName}: the AWS CLI splits its import file on every comma, so a user name with a comma cannot be imported. Export this user with -Format Console."
            : null;
    }

    /// <summary>
    /// For a console-layout line with a key: why <c>aws configure import</c> would misread it, or null. The CLI takes the
    /// console's file too (its headers match), but splits each line on every comma, ignoring CSV quotes: a comma in the
    /// user name or the password (one given, never a generated one) moves the key columns, and the CLI then writes other
    /// cells as the profile's key id and secret without an error. The line itself is right for any CSV reader.
    /// </summary>
    public static string? MisreadByCliImport(CredentialCsvRow row, CredentialCsvFormat format)
    {
        if (format != CredentialCsvFormat.Console || !HasKey(row))
        {
            return null;
        }

        var where = row.UserName.IndexOf(',') >= 0 ? "name" : row.Password?.IndexOf(',') >= 0 ? "password" : null;
        return where is null
            ? null
            : $"{row.UserName}: the {where} has a comma, and 'aws configure import' splits lines on every comma, ignoring CSV quotes: it would import other cells of this line "
              + "as the profile's access key and secret without an error. The line is right for any other CSV reader. "
              + (where == "name" ? "Give this user's key to the AWS CLI with 'aws configure' instead." : "To import the key, export this user with -Format AwsCliImport too, which puts the key columns first.");
    }

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

    public static void WriteHeader(TextWriter writer, CredentialCsvFormat format = CredentialCsvFormat.Console) => WriteHeader(writer, format, withMfa: false);

    /// <param name="writer">Where the file goes.</param>
    /// <param name="format">The layout.</param>
    /// <param name="withMfa">Console layout only: with the columns MFA device and MFA seed (<see cref="MfaHeader"/>).</param>
    public static void WriteHeader(TextWriter writer, CredentialCsvFormat format, bool withMfa)
    {
        writer.Write(format == CredentialCsvFormat.AwsCliImport ? AwsCliImportHeader : withMfa ? MfaHeader : Header);
        writer.Write("\r\n");
    }

    public static void WriteRow(TextWriter writer, CredentialCsvRow row, CredentialCsvFormat format) => WriteRow(writer, row, format, withMfa: false);

    /// <summary>One line; <paramref name="withMfa"/> as the header was written. A seed with no column for it is refused.</summary>
    public static void WriteRow(TextWriter writer, CredentialCsvRow row, CredentialCsvFormat format, bool withMfa)
    {
        if (format == CredentialCsvFormat.Console)
        {
            if (row.MfaSeed is not null && !withMfa)
            {
                throw new ArgumentException($"{row.UserName}: the file has no MFA seed column, so the seed would be lost.", nameof(row));
            }

            WriteConsoleCells(writer, row);
            if (withMfa)
            {
                writer.Write(',');
                writer.Write(Quote(row.MfaSerialNumber));
                writer.Write(',');
                writer.Write(Quote(row.MfaSeed));
            }

            writer.Write("\r\n");
            return;
        }

        if (CannotHold(row, format) is { } reason)
        {
            throw new ArgumentException(reason, nameof(row));
        }

        writer.Write(row.UserName);
        writer.Write(',');
        writer.Write(row.AccessKeyId);
        writer.Write(',');
        writer.Write(row.SecretAccessKey);
        writer.Write(',');
        writer.Write(Quote(row.Password));
        writer.Write(',');
        writer.Write(Quote(row.ConsoleLoginLink));
        writer.Write("\r\n");
    }

    public static void WriteRow(TextWriter writer, CredentialCsvRow row) => WriteRow(writer, row, CredentialCsvFormat.Console, withMfa: false);

    private static void WriteConsoleCells(TextWriter writer, CredentialCsvRow row)
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
