using System;
using System.Collections.Generic;
using System.IO;

namespace IamOnboard.Sessions;

/// <summary>One section of the shared files: a profile, an <c>sso-session</c> or a <c>services</c> section.</summary>
internal sealed class ConfigSection
{
    private readonly Dictionary<string, string> _values = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, string> _credentialsFileValues = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, string> _configFileValues = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, Dictionary<string, string>> _nested = new(StringComparer.OrdinalIgnoreCase);

    public ConfigSection(string name) => Name = name;

    public string Name { get; }

    public string? this[string key] => _values.TryGetValue(key, out var value) && value.Length > 0 ? value : null;

    /// <summary>A nested setting such as <c>iam =\n  endpoint_url = ...</c> in a services section.</summary>
    public string? Nested(string key, string subKey)
        => _nested.TryGetValue(key, out var values) && values.TryGetValue(subKey, out var value) && value.Length > 0 ? value : null;

    /// <summary>
    /// A setting as one file alone gives it. The CLI takes keys from the credentials file, then credential_process, then
    /// keys from the config file; each file's key pair stands on its own (<see cref="this[string]"/> merges the two).
    /// </summary>
    public string? InFile(bool configFile, string key)
        => (configFile ? _configFileValues : _credentialsFileValues).TryGetValue(key, out var value) && value.Length > 0 ? value : null;

    internal void Set(string key, string value, bool fromConfigFile)
    {
        _values[key] = value;
        (fromConfigFile ? _configFileValues : _credentialsFileValues)[key] = value;
    }

    internal void SetNested(string key, string subKey, string value)
    {
        if (!_nested.TryGetValue(key, out var values))
        {
            values = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            _nested[key] = values;
        }

        values[subKey] = value;
    }
}

/// <summary>
/// The shared credentials and config files, read afresh on every connect. Our own reader because AWSSDK.Core fixes the
/// files' locations once per process and does not expose <c>services</c> and <c>sso-session</c> sections; admins change
/// AWS_CONFIG_FILE, AWS_PROFILE and HOME mid-session and expect the CLI's reading of the same files.
/// </summary>
internal sealed class SharedConfigFiles
{
    private readonly Dictionary<string, ConfigSection> _profiles = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ConfigSection> _ssoSessions = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ConfigSection> _services = new(StringComparer.Ordinal);

    private SharedConfigFiles(string credentialsPath, string configPath)
    {
        CredentialsPath = credentialsPath;
        ConfigPath = configPath;
    }

    public string CredentialsPath { get; }
    public string ConfigPath { get; }
    public string Searched => CredentialsPath + " and " + ConfigPath;

    /// <summary>
    /// Reads the files; <paramref name="credentialsPath"/> (AWS.Tools' -ProfileLocation) and <paramref name="configPath"/>
    /// replace AWS_SHARED_CREDENTIALS_FILE and AWS_CONFIG_FILE. A leading ~ is the home directory, as the AWS CLI reads it;
    /// the cmdlets give relative paths already resolved against PowerShell's current location.
    /// </summary>
    public static SharedConfigFiles Load(string? credentialsPath = null, string? configPath = null)
    {
        var home = Environment.GetEnvironmentVariable("HOME") ?? Environment.GetEnvironmentVariable("USERPROFILE")
            ?? Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        var credentials = NonEmpty(credentialsPath) ?? NonEmpty(Environment.GetEnvironmentVariable("AWS_SHARED_CREDENTIALS_FILE")) ?? Path.Combine(home, ".aws", "credentials");
        var config = NonEmpty(configPath) ?? NonEmpty(Environment.GetEnvironmentVariable("AWS_CONFIG_FILE")) ?? Path.Combine(home, ".aws", "config");
        var files = new SharedConfigFiles(FullPath(credentials, home), FullPath(config, home));
        files.Read(files.ConfigPath, isConfigFile: true);
        files.Read(files.CredentialsPath, isConfigFile: false);
        return files;
    }

    public IEnumerable<string> ProfileNames => _profiles.Keys;

    public ConfigSection? Profile(string name) => _profiles.TryGetValue(name, out var section) ? section : null;

    public ConfigSection? SsoSession(string name) => _ssoSessions.TryGetValue(name, out var section) ? section : null;

    public ConfigSection? Services(string name) => _services.TryGetValue(name, out var section) ? section : null;

    private void Read(string path, bool isConfigFile)
    {
        if (!File.Exists(path))
        {
            return;
        }

        string[] lines;
        try
        {
            lines = File.ReadAllLines(path);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            throw new OnboardConfigurationException("The AWS " + (isConfigFile ? "config" : "credentials") + " file " + path + " cannot be read: " + exception.Message, exception);
        }

        ConfigSection? current = null;
        string? nestedKey = null;
        // The AWS CLI refuses a file with a section or a key given twice ("Unable to parse config file"); read here,
        // the last one would win without a word, and a pasted second key pair would sign in as someone else.
        var fileName = "The AWS " + (isConfigFile ? "config" : "credentials") + " file " + path;
        var headerLines = new Dictionary<string, int>(StringComparer.Ordinal);
        var keyLines = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        var header = string.Empty;
        for (var index = 0; index < lines.Length; index++)
        {
            var lineNumber = index + 1;
            var line = StripComment(lines[index]);
            if (line.Trim().Length == 0)
            {
                continue;
            }

            var trimmed = line.Trim();
            // An indented line under a nested setting ("iam =") is one of its settings, whatever it looks like.
            var nestedUnder = char.IsWhiteSpace(line[0]) ? nestedKey : null;
            var closing = trimmed.LastIndexOf(']');
            if (nestedUnder is null && trimmed.StartsWith("[", StringComparison.Ordinal) && closing > 1)
            {
                // As Python's configparser, which the AWS CLI reads the files with: the header runs to the last ']', and
                // what follows it (a comment: "[profile prod]   # production") is ignored.
                header = trimmed.Substring(1, closing - 1).Trim();
                if (headerLines.TryGetValue(header, out var firstHeaderLine))
                {
                    throw new OnboardConfigurationException(fileName + ", line " + lineNumber + ": section [" + header + "] is given a second time (first on line "
                        + firstHeaderLine + "). The AWS CLI refuses such a file (\"Unable to parse config file\"): keep one [" + header + "] section.");
                }

                headerLines[header] = lineNumber;
                keyLines.Clear();
                current = OpenSection(header, isConfigFile);
                nestedKey = null;
                continue;
            }

            // configparser takes '=' or ':', whichever comes first ("region: us-east-1"); the CLI splits the indented
            // lines of a nested setting on '=' alone.
            var equals = nestedUnder is not null ? trimmed.IndexOf('=') : trimmed.IndexOfAny(KeyValueSeparators);
            if (headerLines.Count == 0 || equals <= 0)
            {
                continue;
            }

            var key = trimmed.Substring(0, equals).Trim();
            var value = trimmed.Substring(equals + 1).Trim();
            if (nestedUnder is not null)
            {
                current?.SetNested(nestedUnder, key, value);
                continue;
            }

            // Checked in sections IamOnboard does not read too, as the CLI does; never the value in the message: it may
            // be a secret key.
            if (keyLines.TryGetValue(key, out var firstKeyLine))
            {
                throw new OnboardConfigurationException(fileName + ", line " + lineNumber + ": key '" + key + "' is given a second time in section [" + header
                    + "] (first on line " + firstKeyLine + "). The AWS CLI refuses such a file (\"Unable to parse config file\"): keep one of them.");
            }

            keyLines[key] = lineNumber;
            current?.Set(key, value, isConfigFile);
            nestedKey = value.Length == 0 ? key : null;
        }
    }

    /// <summary>
    /// In the config file profiles are <c>[profile NAME]</c> (but <c>[default]</c>); in the credentials file plain
    /// <c>[NAME]</c>. As botocore reads the config file: a header that starts with <c>profile</c>, <c>sso-session</c> or
    /// <c>services</c> is split as a shell splits words, so a name may be quoted (<c>[profile "ops admin"]</c> is the profile
    /// ops admin), and one that does not split into exactly two words names nothing.
    /// </summary>
    private ConfigSection? OpenSection(string header, bool isConfigFile)
    {
        if (!isConfigFile || header == "default")
        {
            return GetOrAdd(_profiles, header);
        }

        var sections = header.StartsWith("profile", StringComparison.Ordinal) ? _profiles
            : header.StartsWith("sso-session", StringComparison.Ordinal) ? _ssoSessions
            : header.StartsWith("services", StringComparison.Ordinal) ? _services
            : null;
        var words = sections is null ? null : ShellWords.Split(header);
        return words is { Count: 2 } ? GetOrAdd(sections!, words[1]) : null;
    }

    private static ConfigSection GetOrAdd(Dictionary<string, ConfigSection> sections, string name)
    {
        if (!sections.TryGetValue(name, out var section))
        {
            section = new ConfigSection(name);
            sections[name] = section;
        }

        return section;
    }

    private static readonly char[] KeyValueSeparators = { '=', ':' };

    private static string StripComment(string line)
    {
        var trimmed = line.TrimStart();
        return trimmed.StartsWith("#", StringComparison.Ordinal) || trimmed.StartsWith(";", StringComparison.Ordinal) ? string.Empty : line;
    }

    private static string? NonEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;

    /// <summary>The path the files are read from and named by in messages: ~ expanded, relative to the process's directory only when no cmdlet resolved it.</summary>
    private static string FullPath(string path, string home)
    {
        if (path == "~")
        {
            path = home;
        }
        else if (path.StartsWith("~/", StringComparison.Ordinal) || path.StartsWith("~" + Path.DirectorySeparatorChar, StringComparison.Ordinal))
        {
            path = Path.Combine(home, path.Substring(2));
        }

        return Path.GetFullPath(path);
    }
}
