namespace IamOnboard.Passwords;

// Stand-in so the IAM client compiles before branch 'rules' lands its PasswordPolicy; same field names.
// Replaced by that type when main carries it.
/// <summary>An IAM account password policy.</summary>
public sealed class PasswordPolicy
{
    public int MinimumPasswordLength { get; init; } = 8;
    public bool RequireSymbols { get; init; }
    public bool RequireNumbers { get; init; }
    public bool RequireUppercaseCharacters { get; init; }
    public bool RequireLowercaseCharacters { get; init; }
    public bool AllowUsersToChangePassword { get; init; }
    public int? MaxPasswordAge { get; init; }
    public int? PasswordReusePrevention { get; init; }
    public bool HardExpiry { get; init; }
}
