using System;
using System.Runtime.InteropServices;
using System.Security;
using Amazon.Runtime;

namespace IamOnboard.AwsSdk;

/// <summary>Builds SDK credentials from secrets held as <see cref="SecureString"/>; the SDK signs with plain strings, so they exist as such only inside it.</summary>
internal static class SdkCredentials
{
    public static AWSCredentials FromKeys(string accessKeyId, SecureString secretAccessKey, SecureString? sessionToken)
    {
        if (string.IsNullOrEmpty(accessKeyId))
        {
            throw new ArgumentException("An access key id is required.", nameof(accessKeyId));
        }

        if (secretAccessKey is null || secretAccessKey.Length == 0)
        {
            throw new ArgumentException("A secret access key is required.", nameof(secretAccessKey));
        }

        var secret = Reveal(secretAccessKey);
        return sessionToken is null || sessionToken.Length == 0
            ? new BasicAWSCredentials(accessKeyId, secret)
            : new SessionAWSCredentials(accessKeyId, secret, Reveal(sessionToken));
    }

    public static string Reveal(SecureString value)
    {
        var pointer = IntPtr.Zero;
        try
        {
            pointer = Marshal.SecureStringToGlobalAllocUnicode(value);
            return Marshal.PtrToStringUni(pointer, value.Length);
        }
        finally
        {
            if (pointer != IntPtr.Zero)
            {
                Marshal.ZeroFreeGlobalAllocUnicode(pointer);
            }
        }
    }

    public static SecureString Protect(string value)
    {
        var secure = new SecureString();
        foreach (var c in value)
        {
            secure.AppendChar(c);
        }

        secure.MakeReadOnly();
        return secure;
    }
}
