using System.Threading;
using System.Threading.Tasks;
using IamOnboard.Iam;

namespace IamOnboard.Onboarding;

internal static class LoginProfiles
{
    /// <summary>The user's login profile, or null when the user has no console access.</summary>
    public static async Task<IamLoginProfile?> FindAsync(IamClient iam, string userName, CancellationToken ct)
    {
        try
        {
            return await iam.GetLoginProfileAsync(userName, ct).ConfigureAwait(false);
        }
        catch (IamNoSuchEntityException)
        {
            return null;
        }
    }
}
