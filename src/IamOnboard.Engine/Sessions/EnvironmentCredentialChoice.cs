using System;

namespace IamOnboard.Sessions;

/// <summary>
/// Which credentials the environment picks for a connect that names none, in the AWS CLI's order: the keys in
/// AWS_ACCESS_KEY_ID, else the profile AWS_PROFILE (or AWS_DEFAULT_PROFILE) names, else the default profile, with the
/// files AWS_SHARED_CREDENTIALS_FILE and AWS_CONFIG_FILE name. Never holds a secret (the key id only).
/// </summary>
/// <remarks>
/// A session from Connect-Onboard keeps its credentials when the environment changes afterwards, as AWS.Tools' shell
/// credentials do. An AWS CLI user switches accounts with <c>$env:AWS_PROFILE = 'prod'</c>; comparing the choice made at
/// the connect with the one the environment makes now lets a command say which account it acts in, instead of acting
/// silently in the one it was connected to.
/// </remarks>
public sealed class EnvironmentCredentialChoice : IEquatable<EnvironmentCredentialChoice>
{
    private readonly string _key;
    private readonly string _credentials;
    private readonly string _files;

    private EnvironmentCredentialChoice(string key, string credentials, string files)
    {
        _key = key;
        _credentials = credentials;
        _files = files;
    }

    /// <summary>
    /// This choice in words, told apart from <paramref name="other"/>: the credentials (<c>profile 'prod'
    /// (AWS_PROFILE)</c>, <c>the access key AKIA... (AWS_ACCESS_KEY_ID)</c>), or, where those are the same, the files
    /// named. Never a secret.
    /// </summary>
    public string DescribeApartFrom(EnvironmentCredentialChoice other)
        => _credentials != other._credentials ? _credentials : _credentials + " from " + (_files.Length == 0 ? "the files in ~/.aws" : _files);

    /// <summary>What the environment picks now.</summary>
    public static EnvironmentCredentialChoice Current()
    {
        var keyId = Environment.GetEnvironmentVariable("AWS_ACCESS_KEY_ID");
        if (!string.IsNullOrEmpty(keyId))
        {
            // Keys in the environment win over every profile: the files and AWS_PROFILE give settings only.
            return new EnvironmentCredentialChoice("keys\n" + keyId, "the access key " + AccessKeyIdText.ForDisplay(keyId!) + " (AWS_ACCESS_KEY_ID)", string.Empty);
        }

        var (name, variable) = ResolvedCredentials.EnvironmentProfile();
        var files = FilesNamed();
        var profile = name is null ? "the default profile" : "profile '" + name + "' (" + variable + ")";
        return new EnvironmentCredentialChoice("profile\n" + (name ?? "default") + "\n" + files, profile, files);
    }

    public bool Equals(EnvironmentCredentialChoice? other) => other is not null && string.Equals(_key, other._key, StringComparison.Ordinal);

    public override bool Equals(object? obj) => Equals(obj as EnvironmentCredentialChoice);

    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(_key);

    public override string ToString() => _credentials;

    private static string FilesNamed()
    {
        var credentials = Environment.GetEnvironmentVariable("AWS_SHARED_CREDENTIALS_FILE");
        var config = Environment.GetEnvironmentVariable("AWS_CONFIG_FILE");
        return (string.IsNullOrEmpty(credentials) ? string.Empty : "AWS_SHARED_CREDENTIALS_FILE " + credentials)
            + (string.IsNullOrEmpty(config) ? string.Empty : (string.IsNullOrEmpty(credentials) ? string.Empty : " and ") + "AWS_CONFIG_FILE " + config);
    }
}
