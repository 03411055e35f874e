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
    private readonly Dictionary<string, (int Row, string? File, bool Refused)> _firstRowOfName = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Null when the request's name is new to the batch (it is then remembered), else the refusal.</summary>
    public OnboardInputException? Check(UserOnboardingRequest request)
    {
        var row = request.Row ?? 0;
        if (_firstRowOfName.TryGetValue(request.UserName, out var first))
        {
            // A first row refused for another problem still names the user: fixed and run again, it would be the same
            // user as this one, and one of the two people would get the other's account.
            var refused = first.Refused ? ", which was refused for another problem; give each user one row" : string.Empty;
            // Rows of several files share row numbers: the first row is named with its file when it is another file's.
            var inFile = first.File is not null && !string.Equals(first.File, request.SourceFile, StringComparison.Ordinal) ? " of " + first.File : string.Empty;
            return new OnboardInputException("DuplicateUserName", UserColumns.UserName, request.UserName,
                $"UserName: '{request.UserName}' repeats row {first.Row}{inFile}{refused} (IAM user names are not case-sensitive).").AtRow(request);
        }

        _firstRowOfName[request.UserName] = (row, request.SourceFile, false);
        return null;
    }

    /// <summary>Remembers the name of a row refused for another problem, so that a later row naming the same user is refused too.</summary>
    public void RememberRefused(string? userName, int? row, string? file = null)
    {
        if (!string.IsNullOrWhiteSpace(userName) && !_firstRowOfName.ContainsKey(userName!.Trim()))
        {
            _firstRowOfName[userName.Trim()] = (row ?? 0, file, true);
        }
    }
}
