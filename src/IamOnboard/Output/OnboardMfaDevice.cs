using System;
using System.Security;

namespace IamOnboard.Commands;

/// <summary>A user's virtual MFA device, enabled by Enable-OnboardVirtualMfa.</summary>
public sealed class OnboardMfaDevice
{
    internal OnboardMfaDevice(string userName, string serialNumber, DateTime? enableDate, string status)
    {
        UserName = userName;
        SerialNumber = serialNumber;
        EnableDate = enableDate;
        Status = status;
    }

    public string UserName { get; }

    /// <summary>The device ARN, which IAM calls its serial number.</summary>
    public string SerialNumber { get; }

    public DateTime? EnableDate { get; }

    /// <summary>Enabled, AlreadyEnabled or Planned.</summary>
    public string Status { get; }

    /// <summary>Where the QR code was written, when -QrCodePath asked for it.</summary>
    public string? QrCodePath { get; internal set; }

    /// <summary>The base32 seed, only with -IncludeSeed (for a vault): it lets anyone produce this user's codes.</summary>
    public SecureString? Seed { get; internal set; }

    /// <summary>Whether -IncludeSeed was asked for (also when the device was already enabled, with no seed to give).</summary>
    internal bool SeedRequested { get; set; }

    /// <summary>The account's console sign-in link, as the user's own output has it (Export-OnboardCredential's link column).</summary>
    public string ConsoleSignInUrl { get; internal set; } = string.Empty;

    /// <summary>The user object this device was enrolled for, when one was piped in (so Export-OnboardCredential can follow).</summary>
    public OnboardUser? User { get; internal set; }

    public override string ToString() => SerialNumber;
}
