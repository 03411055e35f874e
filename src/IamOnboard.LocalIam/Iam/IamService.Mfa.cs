using System;
using System.Linq;
using System.Text;
using System.Text.RegularExpressions;
using IamOnboard.LocalIam.Protocol;
using IamOnboard.LocalIam.State;
using IamOnboard.Mfa;
using IamOnboard.Rules;

namespace IamOnboard.LocalIam.Iam;

internal sealed partial class IamService
{
    /// <summary>IAM's seeds are 64 base32 characters: 40 random bytes.</summary>
    private const int SeedBytes = 40;

    private static readonly Regex SerialNumberPattern = new(@"^[\w+=/:,.@-]+$", RegexOptions.CultureInvariant);
    private static readonly Regex AuthenticationCodePattern = new(@"^[0-9]{6}$", RegexOptions.CultureInvariant);

    private void RegisterMfa()
    {
        Register("CreateVirtualMFADevice", CreateVirtualMfaDevice);
        Register("EnableMFADevice", EnableMfaDevice, hasResult: false);
        Register("DeactivateMFADevice", DeactivateMfaDevice, hasResult: false);
        Register("DeleteVirtualMFADevice", DeleteVirtualMfaDevice, hasResult: false);
        Register("ListMFADevices", ListMfaDevices);
        Register("ListVirtualMFADevices", ListVirtualMfaDevices);
        Register("ResyncMFADevice", ResyncMfaDevice, hasResult: false);
        Register("TagMFADevice", TagMfaDevice, hasResult: false);
        Register("UntagMFADevice", UntagMfaDevice, hasResult: false);
        Register("ListMFADeviceTags", ListMfaDeviceTags);
    }

    private static void CreateVirtualMfaDevice(OperationContext context)
    {
        string name = context.Required("VirtualMFADeviceName");
        OperationContext.Enforce(IamNameRules.CheckMfaDeviceName(name));
        string path = CheckedPath(context);
        var tags = CheckedTags(context);
        var store = context.Store;
        if (store.State.VirtualMfaDevices.Any(d => IamNameRules.NameComparer.Equals(d.DeviceName, name)))
        {
            throw IamServiceException.EntityAlreadyExists("MFADevice entity at the same path and name already exists.");
        }

        string base32 = Totp.ToBase32(IdGenerator.RandomBytes(SeedBytes));
        var device = new VirtualMfaDeviceEntity
        {
            SerialNumber = store.Arn("mfa", path, name),
            DeviceName = name,
            Path = path,
            Base32Seed = base32,
            CreateDate = context.Now,
            Tags = tags,
        };
        store.State.VirtualMfaDevices.Add(device);

        string accountLabel = store.State.AccountAliases.FirstOrDefault() ?? store.AccountId;
        string uri = OtpAuthUri.Create(name, accountLabel, base32).ToString();
        byte[] png = QrCode.RenderPng(uri);
        var w = context.Result.Open("VirtualMFADevice")
            .Element("SerialNumber", device.SerialNumber)
            .Element("Base32StringSeed", Convert.ToBase64String(Encoding.ASCII.GetBytes(base32)))
            .Element("QRCodePNG", Convert.ToBase64String(png));
        if (tags.Count > 0)
        {
            WriteTags(w, tags);
        }

        w.Close("VirtualMFADevice");
    }

    private static string CheckedSerialNumber(OperationContext context)
    {
        string serial = context.Required("SerialNumber");
        OperationContext.EnforceLength("SerialNumber", serial, 9, 256);
        if (!SerialNumberPattern.IsMatch(serial))
        {
            throw IamServiceException.Validation("1 validation error detected: Value '" + serial
                + "' at 'serialNumber' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=/:,.@-]+");
        }

        return serial;
    }

    private static (string First, string Second) CheckedCodes(OperationContext context)
    {
        string first = context.Required("AuthenticationCode1");
        string second = context.Required("AuthenticationCode2");
        foreach (var (parameter, code) in new[] { ("authenticationCode1", first), ("authenticationCode2", second) })
        {
            if (!AuthenticationCodePattern.IsMatch(code))
            {
                // Codes are one-time secrets: the message says what is wrong without echoing them.
                throw IamServiceException.Validation("1 validation error detected: Value at '" + parameter
                    + "' failed to satisfy constraint: Member must have length 6 and satisfy regular expression pattern: [\\d]+");
            }
        }

        return (first, second);
    }

    private static void RequireConsecutiveCodes(OperationContext context, VirtualMfaDeviceEntity device, string first, string second)
    {
        byte[] key = Totp.KeyFromBase32(device.Base32Seed);
        var check = Totp.CheckConsecutivePair(key, first, second, new DateTimeOffset(context.Now));
        if (!check.IsValid)
        {
            throw new IamServiceException("InvalidAuthenticationCode", 403, "Authentication code for device is not valid.");
        }

        // Both codes are used up: STS refuses them afterwards (the second's step and everything before it).
        device.LastAcceptedCodeStep = Math.Max(device.LastAcceptedCodeStep ?? long.MinValue, check.SecondCodeStep!.Value);
    }

    private static void EnableMfaDevice(OperationContext context)
    {
        var user = RequireUser(context, CheckedUserName(context));
        string serial = CheckedSerialNumber(context);
        var (first, second) = CheckedCodes(context);
        var store = context.Store;
        var device = store.FindDevice(serial) ?? throw IamServiceException.NoSuchEntity("VirtualMFADevice with serial number " + serial + " doesn't exist.");
        if (device.UserId is not null)
        {
            throw IamServiceException.EntityAlreadyExists("MFA Device is already in use.");
        }

        if (store.State.VirtualMfaDevices.Count(d => d.UserId == user.UserId) >= IamLimits.MfaDevicesPerUser)
        {
            throw IamServiceException.LimitExceeded("Cannot exceed quota for MFADevicesPerUser: " + IamLimits.MfaDevicesPerUser);
        }

        RequireConsecutiveCodes(context, device, first, second);
        device.UserId = user.UserId;
        device.EnableDate = context.Now;
    }

    private static VirtualMfaDeviceEntity RequireAssignedDevice(OperationContext context, UserEntity user, string serial) =>
        context.Store.State.VirtualMfaDevices.FirstOrDefault(d => d.SerialNumber == serial && d.UserId == user.UserId)
        ?? throw IamServiceException.NoSuchEntity("MFA Device with serial number " + serial + " does not exist for user " + user.UserName + ".");

    private static void DeactivateMfaDevice(OperationContext context)
    {
        var user = RequireUser(context, CheckedUserName(context));
        var device = RequireAssignedDevice(context, user, CheckedSerialNumber(context));
        device.UserId = null;
        device.EnableDate = null;
    }

    private static void ResyncMfaDevice(OperationContext context)
    {
        var user = RequireUser(context, CheckedUserName(context));
        var device = RequireAssignedDevice(context, user, CheckedSerialNumber(context));
        var (first, second) = CheckedCodes(context);
        RequireConsecutiveCodes(context, device, first, second);
    }

    private static void DeleteVirtualMfaDevice(OperationContext context)
    {
        string serial = CheckedSerialNumber(context);
        var device = context.Store.FindDevice(serial) ?? throw IamServiceException.NoSuchEntity("VirtualMFADevice with serial number " + serial + " doesn't exist.");
        if (device.UserId is not null)
        {
            throw IamServiceException.DeleteConflict("MFA Device is in use and cannot be deleted; deactivate it first.");
        }

        context.Store.State.VirtualMfaDevices.Remove(device);
    }

    private static void ListMfaDevices(OperationContext context)
    {
        var user = UserOrCaller(context);
        var devices = Page(context, context.Store.State.VirtualMfaDevices.Where(d => d.UserId == user.UserId), d => d.SerialNumber, out string? next);
        var w = context.Result.Open("MFADevices");
        foreach (var device in devices)
        {
            w.Open("member")
                .Element("UserName", user.UserName)
                .Element("SerialNumber", device.SerialNumber)
                .Element("EnableDate", device.EnableDate ?? device.CreateDate)
                .Close("member");
        }

        WritePageEnd(w.Close("MFADevices"), next);
    }

    private static void ListVirtualMfaDevices(OperationContext context)
    {
        string status = context.OptionalEnum("AssignmentStatus", "Assigned", "Unassigned", "Any") ?? "Any";
        var store = context.Store;
        var matching = store.State.VirtualMfaDevices.Where(d =>
            status == "Any" || (status == "Assigned") == (d.UserId is not null));
        var devices = Page(context, matching, d => d.SerialNumber, out string? next);
        var w = context.Result.Open("VirtualMFADevices");
        foreach (var device in devices)
        {
            w.Open("member").Element("SerialNumber", device.SerialNumber);
            var user = device.UserId is null ? null : store.FindUserById(device.UserId);
            if (user is not null)
            {
                WriteUser(w, store, user, "User", includeTags: false);
                w.Element("EnableDate", device.EnableDate ?? device.CreateDate);
            }

            w.Close("member");
        }

        WritePageEnd(w.Close("VirtualMFADevices"), next);
    }

    // ---- tags (IAM's limit for an MFA device is the user's: 50) ----

    private static VirtualMfaDeviceEntity RequireDevice(OperationContext context)
    {
        string serial = CheckedSerialNumber(context);
        return context.Store.FindDevice(serial) ?? throw IamServiceException.NoSuchEntity("The MFA device with serial number " + serial + " cannot be found.");
    }

    private static void TagMfaDevice(OperationContext context)
    {
        var device = RequireDevice(context);
        device.Tags = WithRequestTags(context, device.Tags);
    }

    private static void UntagMfaDevice(OperationContext context)
    {
        var device = RequireDevice(context);
        RemoveRequestTagKeys(context, device.Tags);
    }

    private static void ListMfaDeviceTags(OperationContext context)
    {
        var device = RequireDevice(context);
        var tags = Page(context, device.Tags, t => NameKey(t.Key), out string? next);
        var w = context.Result.Open("Tags");
        foreach (var tag in tags)
        {
            w.Open("member").Element("Key", tag.Key).Element("Value", tag.Value).Close("member");
        }

        WritePageEnd(w.Close("Tags"), next);
    }
}
