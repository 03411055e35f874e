using System;
using System.Collections.Generic;
using IamOnboard.Onboarding;

namespace IamOnboard.Input;

/// <summary>
/// The user names of one batch so far: a name given twice (IAM names are not case-sensitive, so ana.x and ANA.X are
/// one user) would have the second row overwrite or race the first, so the second is refused naming both rows.
/// </summary>
public sealed class BatchUserNames
{
    private readonly Dictionary<string, int> _firstRowOfName = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Null when the request's name is new to the batch (it is then remembered), else the refusal.</summary>
    public OnboardInputException? Check(UserOnboardingRequest request)
    {
        var row = request.Row ?? 0;
        if (_firstRowOfName.TryGetValue(request.UserName, out var first))
        {
            return new OnboardInputException("DuplicateUserName", UserColumns.UserName, request.UserName,
                $"UserName: '{request.UserName}' repeats row {first} (IAM user names are not case-sensitive).").AtRow(request.Row, request.Line);
        }

        _firstRowOfName[request.UserName] = row;
        return null;
    }
}
