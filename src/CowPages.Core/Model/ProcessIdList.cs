using System.Collections.Generic;
using System.Collections.ObjectModel;

namespace CowPages;

/// <summary>
/// Process IDs in a property: a list that binds to <c>-Id</c> as an array does, and whose text is the IDs themselves,
/// separated by spaces as PowerShell joins a list, so that CSV and the copy that remoting or Export-Clixml hands back
/// (a plain list, printed the same way) read alike.
/// </summary>
public sealed class ProcessIdList : ReadOnlyCollection<int>
{
    public ProcessIdList(IEnumerable<int> processIds)
        : base(new List<int>(processIds))
    {
    }

    public override string ToString() => string.Join(' ', this);
}
