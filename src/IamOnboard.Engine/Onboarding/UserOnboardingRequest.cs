using System;
using System.Collections.Generic;
using System.Security;

namespace IamOnboard.Onboarding;

/// <summary>One person to onboard: the user and the access the admin asked for.</summary>
public sealed class UserOnboardingRequest
{
    public string UserName { get; set; } = string.Empty;

    public string? Path { get; set; }

    public IReadOnlyList<KeyValuePair<string, string>> Tags { get; set; } = Array.Empty<KeyValuePair<string, string>>();

    public string? PermissionsBoundary { get; set; }

    public bool ConsoleAccess { get; set; }

    /// <summary>The console password; generated to satisfy the account policy when null.</summary>
    public SecureString? Password { get; set; }

    public bool PasswordResetRequired { get; set; }

    public bool ProgrammaticAccess { get; set; }

    /// <summary>Create an access key even when the user already has one (never done silently).</summary>
    public bool AdditionalAccessKey { get; set; }

    public IReadOnlyList<string> Policies { get; set; } = Array.Empty<string>();

    public IReadOnlyList<string> Groups { get; set; } = Array.Empty<string>();

    /// <summary>Attach the account's <see cref="RequireMfaPolicy"/> to the user (ensure it with <see cref="RequireMfaPolicy.EnsureAsync"/>).</summary>
    public bool RequireMfa { get; set; }

    /// <summary>Which input item this is (1-based), for messages; null outside a batch.</summary>
    public int? Row { get; set; }

    /// <summary>The file line the row starts on, when the request was read from a file.</summary>
    public int? Line { get; set; }

    /// <summary>The name of the file the row was read from (Import-OnboardCsv), to tell rows of several files apart.</summary>
    public string? SourceFile { get; set; }

    /// <summary>
    /// "row 3: " in a batch ("row 3 (line 4 of starters.csv): " for a row of a file Import-OnboardCsv read), empty
    /// otherwise: prefixes log lines (verbose, warnings) about this request. Exceptions do not use it: they carry Row,
    /// Line and File as data and the error record adds the prefix.
    /// </summary>
    public string Where => Row is null ? string.Empty : $"{BatchPosition.Describe(Row, SourceFile is null ? null : Line, SourceFile)}: ";

    /// <summary>A copy to change without touching this one (every property: a new column needs no line here).</summary>
    public UserOnboardingRequest Clone() => (UserOnboardingRequest)MemberwiseClone();
}
