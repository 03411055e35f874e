using System;
using System.Runtime.InteropServices;
using System.Security;

namespace IamOnboard.Onboarding;

/// <summary>Moves secrets between SecureString and the plain text a wire call needs, for as short a time as possible.</summary>
public static class SecretText
{
    /// <summary>A read-only SecureString holding <paramref name="text"/>.</summary>
    public static SecureString Protect(string text)
    {
        var secure = new SecureString();
        foreach (var c in text)
        {
            secure.AppendChar(c);
        }

        secure.MakeReadOnly();
        return secure;
    }

    /// <summary>The plain text of <paramref name="secure"/>; callers must not log or keep it.</summary>
    public static string Reveal(SecureString secure)
    {
        var pointer = IntPtr.Zero;
        try
        {
            pointer = Marshal.SecureStringToGlobalAllocUnicode(secure);
            return Marshal.PtrToStringUni(pointer) ?? string.Empty;
        }
        finally
        {
            if (pointer != IntPtr.Zero)
            {
                Marshal.ZeroFreeGlobalAllocUnicode(pointer);
            }
        }
    }
}
