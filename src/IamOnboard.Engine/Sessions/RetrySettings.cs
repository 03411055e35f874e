using System;
using System.Globalization;
using IamOnboard.Iam;

namespace IamOnboard.Sessions;

/// <summary>
/// How many attempts a call gets and how it backs off, as the AWS CLI and SDKs read them: Connect-Onboard's -MaxAttempts
/// and -RetryMode, else AWS_MAX_ATTEMPTS and AWS_RETRY_MODE, else the profile's <c>max_attempts</c> and
/// <c>retry_mode</c>, else IamOnboard's defaults (8 attempts, standard). Values are checked as botocore checks them
/// (a whole number of at least 1; legacy, standard or adaptive, in lower case); one it refuses is an error naming where
/// it was found. Legacy is botocore's (boto3 takes it; the AWS CLI v2 refuses it) but AWSSDK.Core has no legacy mode: a
/// shared config written for boto3 still connects, and verbose output says that standard runs instead.
/// </summary>
internal sealed class RetrySettings
{
    private const string ModeChoices = "legacy, standard or adaptive";

    private RetrySettings(int maxAttempts, string attemptsFrom, IamRetryMode mode, string modeFrom, bool legacyAsked)
    {
        MaxAttempts = maxAttempts;
        AttemptsFrom = attemptsFrom;
        Mode = mode;
        ModeFrom = modeFrom;
        LegacyAsked = legacyAsked;
    }

    public int MaxAttempts { get; }

    /// <summary>Where <see cref="MaxAttempts"/> came from: -MaxAttempts, AWS_MAX_ATTEMPTS, a profile's max_attempts, IamOnboard's default.</summary>
    public string AttemptsFrom { get; }

    public IamRetryMode Mode { get; }

    public string ModeFrom { get; }

    /// <summary>Legacy was asked for, and standard runs instead.</summary>
    public bool LegacyAsked { get; }

    /// <summary>For verbose output: the attempts and the mode, and where each came from.</summary>
    public string Description
        => "up to " + MaxAttempts.ToString(CultureInfo.InvariantCulture) + " attempts per call (" + AttemptsFrom + "), retry mode "
            + (LegacyAsked
                ? "legacy (" + ModeFrom + "), which IamOnboard does not offer (the AWS SDK for .NET has no legacy mode; the AWS CLI v2 refuses it, boto3 takes it): standard applies"
                : Mode.ToString().ToLowerInvariant() + " (" + ModeFrom + ")");

    public static RetrySettings Resolve(OnboardConnectOptions options, ConfigSection? profile, SharedConfigFiles files)
    {
        int attempts;
        string attemptsFrom;
        if (options.MaxAttempts is { } given)
        {
            if (given < 1)
            {
                throw new OnboardConfigurationException("MaxAttempts must be at least 1.");
            }

            (attempts, attemptsFrom) = (given, "-MaxAttempts");
        }
        else if (FromEnvironment("AWS_MAX_ATTEMPTS") is { } variable)
        {
            (attempts, attemptsFrom) = (ParseAttempts(variable, "AWS_MAX_ATTEMPTS", "the environment variable AWS_MAX_ATTEMPTS", "Set it to a whole number of at least 1, or clear it."), "AWS_MAX_ATTEMPTS");
        }
        else if (profile?["max_attempts"] is { } setting)
        {
            var where = Where(profile, "max_attempts", files);
            (attempts, attemptsFrom) = (ParseAttempts(setting, "max_attempts", where, "Correct it to a whole number of at least 1, or remove it."), where);
        }
        else
        {
            (attempts, attemptsFrom) = (IamClientOptions.DefaultMaxAttempts, "IamOnboard's default");
        }

        string? modeName;
        string modeFrom;
        if (!string.IsNullOrEmpty(options.RetryModeName))
        {
            // PowerShell's -RetryMode takes any case (its ValidateSet); the names are botocore's.
            (modeName, modeFrom) = (options.RetryModeName!.ToLowerInvariant(), "-RetryMode");
            CheckMode(modeName, "-RetryMode", "Give Standard, Adaptive or Legacy.");
        }
        else if (FromEnvironment("AWS_RETRY_MODE") is { } variable)
        {
            (modeName, modeFrom) = (variable, "AWS_RETRY_MODE");
            CheckMode(variable, "the environment variable AWS_RETRY_MODE", "Set it to one of them, or clear it.");
        }
        else if (profile?["retry_mode"] is { } setting)
        {
            modeFrom = Where(profile, "retry_mode", files);
            modeName = setting;
            CheckMode(setting, modeFrom, "Correct it, or remove it.");
        }
        else
        {
            (modeName, modeFrom) = ("standard", "IamOnboard's default");
        }

        return new RetrySettings(attempts, attemptsFrom, modeName == "adaptive" ? IamRetryMode.Adaptive : IamRetryMode.Standard, modeFrom, modeName == "legacy");
    }

    private static int ParseAttempts(string value, string name, string where, string wayOut)
    {
        // botocore converts with int(): an optional sign and digits, spaces around; 'many' or '2.5' is refused there too.
        if (!int.TryParse(value, NumberStyles.AllowLeadingWhite | NumberStyles.AllowTrailingWhite | NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var attempts))
        {
            throw new OnboardConfigurationException(name + " '" + value + "' (" + where + ") is not a whole number: it is the number of attempts per call, first included. " + wayOut);
        }

        if (attempts < 1)
        {
            throw new OnboardConfigurationException(name + " " + attempts.ToString(CultureInfo.InvariantCulture) + " (" + where + ") must be at least 1 (the AWS CLI refuses it too). " + wayOut);
        }

        return attempts;
    }

    private static void CheckMode(string value, string where, string wayOut)
    {
        if (value is not ("legacy" or "standard" or "adaptive"))
        {
            throw new OnboardConfigurationException("Retry mode '" + value + "' (" + where + ") is not known: it is " + ModeChoices + ", in lower case, as the AWS CLI reads it. " + wayOut);
        }
    }

    /// <summary>The setting, the profile and the file it is in, for messages.</summary>
    private static string Where(ConfigSection profile, string key, SharedConfigFiles files)
        => key + " of profile '" + profile.Name + "' in " + (profile.InFile(configFile: true, key) is not null ? files.ConfigPath : files.CredentialsPath);

    private static string? FromEnvironment(string name)
    {
        var value = Environment.GetEnvironmentVariable(name);
        return string.IsNullOrEmpty(value) ? null : value;
    }
}
