using System;
using System.Collections;
using System.IO;
using System.Management.Automation;
using System.Security;
using System.Text;
using IamOnboard.Commands.Infrastructure;
using IamOnboard.Commands.Transformations;
using IamOnboard.Input;
using IamOnboard.Onboarding;
using IamOnboard.Sessions;

namespace IamOnboard.Commands;

/// <summary>Add-OnboardInlinePolicy: puts an inline policy on a user or group, checked locally first.</summary>
[Cmdlet(VerbsCommon.Add, "OnboardInlinePolicy", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, DefaultParameterSetName = ParameterSets.UserDocument)]
[OutputType(typeof(OnboardInlinePolicy), typeof(OnboardUser), typeof(OnboardMfaDevice))]
public sealed class AddOnboardInlinePolicyCommand : OnboardCmdletBase
{
    private static class ParameterSets
    {
        public const string UserDocument = "UserDocument";
        public const string UserFile = "UserFile";
        public const string GroupDocument = "GroupDocument";
        public const string GroupFile = "GroupFile";
        public const string UserDocumentWithSession = UserDocument + WithSession;
        public const string UserFileWithSession = UserFile + WithSession;
        public const string GroupDocumentWithSession = GroupDocument + WithSession;
        public const string GroupFileWithSession = GroupFile + WithSession;
    }

    [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true, ParameterSetName = ParameterSets.UserDocument)]
    [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true, ParameterSetName = ParameterSets.UserFile)]
    [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true, ParameterSetName = ParameterSets.UserDocumentWithSession)]
    [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true, ParameterSetName = ParameterSets.UserFileWithSession)]
    [Alias("User name")]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(UserNameCompleter))]
    [SingleName("UserName", "For several users, run it once for each: {0} | ForEach-Object {{ Add-OnboardInlinePolicy -UserName $_ ... }}, or put the policy on a group they are in.")]
    public string? UserName { get; set; }

    /// <summary>A user read by another tool in another account is refused by its Arn (<see cref="OnboardCmdletBase"/>).</summary>
    private protected override bool ChecksUsersFromOtherTools => true;

    [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true, ParameterSetName = ParameterSets.GroupDocument)]
    [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true, ParameterSetName = ParameterSets.GroupFile)]
    [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true, ParameterSetName = ParameterSets.GroupDocumentWithSession)]
    [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true, ParameterSetName = ParameterSets.GroupFileWithSession)]
    [ArgumentCompleter(typeof(GroupNameCompleter))]
    [ValidateNotNullOrEmpty]
    [SingleName("GroupName", "For several groups, run it once for each: {0} | ForEach-Object {{ Add-OnboardInlinePolicy -GroupName $_ ... }}.")]
    public string? GroupName { get; set; }

    /// <summary>The pipeline item itself, for what a row brings that binding passes over (<see cref="PipelineRowColumns"/>).</summary>
    [Parameter(ValueFromPipeline = true, DontShow = true)]
    [RowOnly]
    public PipelineItem? PipelineRow { get; set; }

    [Parameter(Mandatory = true, Position = 0)]
    [ValidateNotNullOrEmpty]
    public string PolicyName { get; set; } = string.Empty;

    /// <summary>The policy as JSON text or as a hashtable.</summary>
    [Parameter(Mandatory = true, Position = 1, ParameterSetName = ParameterSets.UserDocument)]
    [Parameter(Mandatory = true, Position = 1, ParameterSetName = ParameterSets.GroupDocument)]
    [Parameter(Mandatory = true, Position = 1, ParameterSetName = ParameterSets.UserDocumentWithSession)]
    [Parameter(Mandatory = true, Position = 1, ParameterSetName = ParameterSets.GroupDocumentWithSession)]
    [ValidateNotNull]
    public object? PolicyDocument { get; set; }

    /// <summary>A .json file holding the policy.</summary>
    [Parameter(Mandatory = true, ParameterSetName = ParameterSets.UserFile)]
    [Parameter(Mandatory = true, ParameterSetName = ParameterSets.GroupFile)]
    [Parameter(Mandatory = true, ParameterSetName = ParameterSets.UserFileWithSession)]
    [Parameter(Mandatory = true, ParameterSetName = ParameterSets.GroupFileWithSession)]
    [ValidateNotNullOrEmpty]
    public string? Path { get; set; }

    // The connection parameters in this cmdlet's sets (the rules: OnboardCmdletBase): -Session, mandatory, in the
    // WithSession twins; the credentials of one call in the others. Every attribute is repeated: PowerShell reads an
    // overriding property's own attributes only.
    [Parameter(Mandatory = true, ParameterSetName = ParameterSets.UserDocumentWithSession)]
    [Parameter(Mandatory = true, ParameterSetName = ParameterSets.UserFileWithSession)]
    [Parameter(Mandatory = true, ParameterSetName = ParameterSets.GroupDocumentWithSession)]
    [Parameter(Mandatory = true, ParameterSetName = ParameterSets.GroupFileWithSession)]
    [Transformations.LiveSession]
    public override OnboardSession? Session { get; set; }

    [Parameter(ParameterSetName = ParameterSets.UserDocument)]
    [Parameter(ParameterSetName = ParameterSets.UserFile)]
    [Parameter(ParameterSetName = ParameterSets.GroupDocument)]
    [Parameter(ParameterSetName = ParameterSets.GroupFile)]
    [ArgumentCompleter(typeof(ProfileNameCompleter))]
    [ValidateNotNullOrEmpty]
    [Alias("StoredCredentials", "AWSProfileName")]
    public override string? ProfileName { get; set; }

    [Parameter(ParameterSetName = ParameterSets.UserDocument)]
    [Parameter(ParameterSetName = ParameterSets.UserFile)]
    [Parameter(ParameterSetName = ParameterSets.GroupDocument)]
    [Parameter(ParameterSetName = ParameterSets.GroupFile)]
    [ValidateNotNullOrEmpty]
    [Alias("ProfilesLocation", "AWSProfilesLocation")]
    public override string? ProfileLocation { get; set; }

    [Parameter(ParameterSetName = ParameterSets.UserDocument)]
    [Parameter(ParameterSetName = ParameterSets.UserFile)]
    [Parameter(ParameterSetName = ParameterSets.GroupDocument)]
    [Parameter(ParameterSetName = ParameterSets.GroupFile)]
    [ValidateNotNullOrEmpty]
    [Alias("AK")]
    public override string? AccessKey { get; set; }

    [Parameter(ParameterSetName = ParameterSets.UserDocument)]
    [Parameter(ParameterSetName = ParameterSets.UserFile)]
    [Parameter(ParameterSetName = ParameterSets.GroupDocument)]
    [Parameter(ParameterSetName = ParameterSets.GroupFile)]
    [SecureStringFromText]
    [Alias("SK", "SecretAccessKey")]
    public override SecureString? SecretKey { get; set; }

    [Parameter(ParameterSetName = ParameterSets.UserDocument)]
    [Parameter(ParameterSetName = ParameterSets.UserFile)]
    [Parameter(ParameterSetName = ParameterSets.GroupDocument)]
    [Parameter(ParameterSetName = ParameterSets.GroupFile)]
    [SecureStringFromText]
    [Alias("ST")]
    public override SecureString? SessionToken { get; set; }

    [Parameter(ParameterSetName = ParameterSets.UserDocument)]
    [Parameter(ParameterSetName = ParameterSets.UserFile)]
    [Parameter(ParameterSetName = ParameterSets.GroupDocument)]
    [Parameter(ParameterSetName = ParameterSets.GroupFile)]
    [ValidatePattern("^[0-9]{6}$")]
    public override string? TokenCode { get; set; }

    [Parameter(ParameterSetName = ParameterSets.UserDocument)]
    [Parameter(ParameterSetName = ParameterSets.UserFile)]
    [Parameter(ParameterSetName = ParameterSets.GroupDocument)]
    [Parameter(ParameterSetName = ParameterSets.GroupFile)]
    [AwsCredentialArgument]
    [ValidateNotNull]
    public override object? Credential { get; set; }

    protected override void ProcessItem()
    {
        var isUser = UserName is not null;
        var owner = (isUser ? UserName : GroupName)!.Trim();
        var kind = isUser ? InlinePolicyOwnerKind.User : InlinePolicyOwnerKind.Group;
        string document;
        try
        {
            document = ReadDocument();
            foreach (var warning in InlinePolicyWriter.ValidateOffline(PolicyName, document))
            {
                WriteWarning(warning);
            }
        }
        catch (OnboardInputException invalid)
        {
            WriteError(OnboardErrors.FromException(invalid, owner));
            return;
        }
        catch (PolicyFileException unreadable)
        {
            WriteError(OnboardErrors.Create("PolicyFileUnreadable", ErrorCategory.ReadError, unreadable.Given, unreadable.Message));
            return;
        }

        var apply = ShouldProcess($"IAM {kind.ToString().ToLowerInvariant()} '{owner}'", $"Put inline policy {PolicyName}");
        var writer = new InlinePolicyWriter(OnboardSession);
        var policyName = PolicyName;
        var carrier = CarrierByName; // a user with new credentials from New-OnboardUser: passed on as it came
        var mayBeDisabled = isUser && !CameDownThisPipeline(owner);
        StartItem(async ct =>
        {
            if (mayBeDisabled)
            {
                // A policy on a leaver disabled with Remove-OnboardUser -Disable would grant it access again.
                await DisabledUsers.ThrowIfDisabledAsync(OnboardSession, owner, $"given the inline policy '{policyName}'", ct).ConfigureAwait(false);
            }

            var result = await writer.PutAsync(kind, owner, policyName, document, apply, ct).ConfigureAwait(false);
            if (apply && carrier is not null)
            {
                WriteOn(carrier, HandOffLedger.KeyIn(carrier));
            }
            else if (apply)
            {
                Dispatcher.WriteObject(new OnboardInlinePolicy(result));
            }
        }, owner);
    }

    private string ReadDocument()
    {
        if (Path is not null)
        {
            return ReadFile(nameof(Path), Path, AwsCliFileArgument.PathIn(Path, nameof(Path)) ?? Path);
        }

        var value = PolicyDocument is PSObject wrapped ? wrapped.BaseObject : PolicyDocument;
        if (value is string given && AwsCliFileArgument.PathIn(given, nameof(PolicyDocument)) is { } fromCli)
        {
            // The AWS CLI's --policy-document file://policy.json: the file, read as -Path reads it.
            WriteVerbose($"PolicyDocument: '{given.Trim()}' names a file, as in the AWS CLI; reading the policy from it.");
            return ReadFile(nameof(PolicyDocument), given.Trim(), fromCli);
        }

        if (value is string named && LooksLikeFileName(named))
        {
            throw new OnboardInputException("InvalidPolicyDocument", "PolicyDocument", named.Trim(),
                $"PolicyDocument: '{named.Trim()}' is a file's name, not a policy; to read the policy from the file, use -Path {named.Trim()} (or the AWS CLI's form, -PolicyDocument file://{named.Trim()}).");
        }

        return value switch
        {
            string json => json,
            IDictionary table => PolicyJson.FromDictionary(table),
            PSCustomObject when PolicyDocument is PSObject shaped => PolicyJson.FromCustomObject(shaped),
            IEnumerable lines when AllText(lines) => JoinLines(lines),
            _ => throw new OnboardInputException("InvalidPolicyDocument", "PolicyDocument", value?.GetType().Name,
                $"PolicyDocument: got a value of type {value?.GetType().Name}, which is not a policy; give the policy as JSON text, a hashtable or a [pscustomobject], or use -Path for a .json file."),
        };
    }

    /// <summary>
    /// One line that is not JSON and names a .json file, or a file that is there: the AWS CLI reads such a value only
    /// with file://, and neither does this command, since a policy text is never a file name.
    /// </summary>
    private bool LooksLikeFileName(string text)
    {
        var trimmed = text.Trim();
        if (trimmed.Length == 0 || trimmed[0] is '{' or '[' or '"' || trimmed.IndexOfAny(new[] { '\n', '\r' }) >= 0)
        {
            return false;
        }

        if (trimmed.EndsWith(".json", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        try
        {
            return File.Exists(FileSystemPath.Resolve(SessionState.Path, "PolicyDocument", trimmed));
        }
        catch (Exception notAPath) when (notAPath is SessionStateException or PSArgumentException or NotSupportedException or ArgumentException or OnboardInputException)
        {
            return false;
        }
    }

    private static bool AllText(IEnumerable items)
    {
        foreach (var item in items)
        {
            if ((item is PSObject wrapped ? wrapped.BaseObject : item) is not string)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// Get-Content without -Raw gives the file's lines: joined by line breaks, so an error's line number is the file's
    /// (AWS.Tools' string parameter would join them with spaces).
    /// </summary>
    private static string JoinLines(IEnumerable lines)
    {
        var text = new StringBuilder();
        foreach (var line in lines)
        {
            text.Append(line is PSObject wrapped ? wrapped.BaseObject : line).Append('\n');
        }

        return text.ToString();
    }

    /// <summary>A policy file, relative to PowerShell's current location; any failure to read it is the row's error.</summary>
    private string ReadFile(string field, string given, string path)
    {
        try
        {
            var resolved = FileSystemPath.Resolve(SessionState.Path, field, path);
            if (Directory.Exists(resolved))
            {
                throw new IOException("it is a folder; name the policy's .json file.");
            }

            return File.ReadAllText(resolved, Encoding.UTF8);
        }
        catch (Exception unreadable) when (unreadable is IOException or UnauthorizedAccessException or SessionStateException or PSArgumentException or NotSupportedException)
        {
            // .NET answers a folder, and a file it may not open, with UnauthorizedAccessException, and PowerShell a drive
            // that does not exist with DriveNotFoundException: a bad row, not a stop.
            throw new PolicyFileException(given, $"{field}: cannot read the policy file '{given}': {unreadable.Message}");
        }
    }

    /// <summary>A policy file that could not be read: the message names the parameter and the file as given.</summary>
    private sealed class PolicyFileException : Exception
    {
        public PolicyFileException(string given, string message)
            : base(message) => Given = given;

        public string Given { get; }
    }
}
