using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Runtime.InteropServices;

namespace IamOnboard.Commands.Infrastructure;

/// <summary>
/// Loads the module's dependencies (the engine, the local endpoint, AWSSDK.Core and the rest, shipped in
/// <c>dependencies/</c> beside IamOnboard.dll) so that they live beside other modules' copies — AWS.Tools loads its
/// own AWSSDK.Core — without either side getting the other's version.
/// <para>
/// PowerShell 7: every dependency that the platform does not already provide at the same or a higher version is
/// loaded, at import, into a private AssemblyLoadContext named "IamOnboard". Loading them all up front matters: an
/// AssemblyLoadContext looks in its own loaded assemblies before it falls back to the default context, so the engine
/// binds to our AWSSDK.Core even when another AWSSDK.Core with the same assembly version (all of 4.x is 4.0.0.0) is
/// already loaded in the default context. IamOnboard.dll itself lives in the default context (PowerShell loads it);
/// its references to the engine fail there (the engine is not beside it), and AppDomain.AssemblyResolve hands it
/// the private context's copy. The context is created through reflection because netstandard2.0 has no
/// AssemblyLoadContext.
/// </para>
/// <para>
/// Windows PowerShell 5.1 has no load contexts: the dependencies are loaded from the folder with
/// Assembly.LoadFrom when .NET Framework asks for them, as powershell.exe would for files beside the module. That
/// finds them in dependencies/, though it cannot keep two versions of one assembly apart.
/// </para>
/// </summary>
internal static class DependencyIsolation
{
    public const string LoadContextName = "IamOnboard";
    public const string FolderName = "dependencies";

    private static readonly object Gate = new();
    private static readonly Assembly Self = typeof(DependencyIsolation).Assembly;
    private static Dictionary<string, Assembly>? s_isolated;
    private static Dictionary<string, string>? s_frameworkFiles;

    /// <summary>Installs the resolver once per process (importing into several runspaces calls this each time).</summary>
    public static void Install()
    {
        lock (Gate)
        {
            if (s_isolated is not null || s_frameworkFiles is not null)
            {
                return;
            }

            var folder = Path.Combine(Path.GetDirectoryName(Self.Location) ?? ".", FolderName);
            if (!Directory.Exists(folder))
            {
                throw new DirectoryNotFoundException($"IamOnboard's '{FolderName}' folder is missing from '{Path.GetDirectoryName(folder)}'. Reinstall the module.");
            }

            var loadContextType = typeof(object).Assembly.GetType("System.Runtime.Loader.AssemblyLoadContext");
            if (loadContextType is null)
            {
                s_frameworkFiles = Directory.EnumerateFiles(folder, "*.dll")
                    .ToDictionary(path => Path.GetFileNameWithoutExtension(path), path => path, StringComparer.OrdinalIgnoreCase);
                AppDomain.CurrentDomain.AssemblyResolve += ResolveFromFolder;
            }
            else
            {
                s_isolated = LoadIntoPrivateContext(loadContextType, folder);
                AppDomain.CurrentDomain.AssemblyResolve += ResolveFromPrivateContext;
            }
        }
    }

    private static Dictionary<string, Assembly> LoadIntoPrivateContext(Type loadContextType, string folder)
    {
        var constructor = loadContextType.GetConstructor(new[] { typeof(string), typeof(bool) })
            ?? throw new MissingMethodException(loadContextType.FullName, ".ctor(string, bool)");
        var loadFromPath = loadContextType.GetMethod("LoadFromAssemblyPath", new[] { typeof(string) })
            ?? throw new MissingMethodException(loadContextType.FullName, "LoadFromAssemblyPath");
        var context = constructor.Invoke(new object[] { LoadContextName, false });

        var platform = PlatformAssemblyPaths();
        var images = Environment.GetEnvironmentVariable(NoReadyToRunVariable) is { Length: > 0 }
            ? null
            : ReadyToRunFolder(folder, CurrentRuntime(), Environment.Version.Major);
        var loaded = new Dictionary<string, Assembly>(StringComparer.OrdinalIgnoreCase);
        foreach (var ilPath in Directory.EnumerateFiles(folder, "*.dll"))
        {
            var image = images is null ? null : Path.Combine(images, Path.GetFileName(ilPath));
            var path = image is not null && File.Exists(image) ? image : ilPath;
            var name = AssemblyName.GetAssemblyName(path);
            if (name.Name is null || ProvidedByPlatform(name, platform))
            {
                // System.Memory, System.Text.Json and the like are part of .NET on PowerShell 7: a second copy would
                // be a second Span<T> or JsonElement, and types passed between the module and PowerShell must be one.
                continue;
            }

            loaded[name.Name] = (Assembly)loadFromPath.Invoke(context, new object[] { path })!;
        }

        return loaded;
    }

    /// <summary>Set (to anything) to load the IL assemblies even where ReadyToRun images apply: for comparing the two.</summary>
    public const string NoReadyToRunVariable = "IAMONBOARD_NO_READYTORUN";

    /// <summary>
    /// The folder of ReadyToRun images (the dependencies compiled ahead of time by build.ps1 -ReadyToRun, IL included)
    /// for <paramref name="runtime"/>, or null. Named <c>ready-to-run/net&lt;major&gt;.0-&lt;runtime&gt;</c>: images
    /// for another OS or processor are never used, nor images compiled against a later .NET than the one running.
    /// Where none applies, the IL assemblies beside the folder load as before; only start-up is slower.
    /// </summary>
    internal static string? ReadyToRunFolder(string dependencies, string runtime, int runtimeMajor)
    {
        var root = Path.Combine(dependencies, "ready-to-run");
        if (!Directory.Exists(root))
        {
            return null;
        }

        string? best = null;
        var bestMajor = -1;
        foreach (var candidate in Directory.EnumerateDirectories(root))
        {
            var name = Path.GetFileName(candidate);
            var dash = name.IndexOf('-');
            if (dash < 4 || !name.StartsWith("net", StringComparison.OrdinalIgnoreCase) ||
                !string.Equals(name.Substring(dash + 1), runtime, StringComparison.OrdinalIgnoreCase) ||
                !Version.TryParse(name.Substring(3, dash - 3), out var framework) ||
                framework.Major > runtimeMajor || framework.Major <= bestMajor)
            {
                continue;
            }

            best = candidate;
            bestMajor = framework.Major;
        }

        return best;
    }

    /// <summary>This process's portable runtime identifier: linux-x64, win-arm64, osx-arm64 and so on.</summary>
    internal static string CurrentRuntime()
    {
        var os = RuntimeInformation.IsOSPlatform(OSPlatform.Windows) ? "win"
            : RuntimeInformation.IsOSPlatform(OSPlatform.OSX) ? "osx"
            : RuntimeInformation.IsOSPlatform(OSPlatform.Linux) ? "linux"
            : "unknown";
        return os + "-" + RuntimeInformation.ProcessArchitecture.ToString().ToLowerInvariant();
    }

    /// <summary>The trusted platform assemblies (.NET and PowerShell's own), which the default context loads by name.</summary>
    private static Dictionary<string, string> PlatformAssemblyPaths()
    {
        var paths = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES") is string list)
        {
            foreach (var path in list.Split(new[] { Path.PathSeparator }, StringSplitOptions.RemoveEmptyEntries))
            {
                paths[Path.GetFileNameWithoutExtension(path)] = path;
            }
        }

        return paths;
    }

    private static bool ProvidedByPlatform(AssemblyName ours, Dictionary<string, string> platform)
    {
        if (!platform.TryGetValue(ours.Name!, out var platformPath))
        {
            return false;
        }

        var platformVersion = AssemblyName.GetAssemblyName(platformPath).Version;
        return ours.Version is null || (platformVersion is not null && platformVersion >= ours.Version);
    }

    private static Assembly? ResolveFromPrivateContext(object? sender, ResolveEventArgs args)
    {
        // Only requests from this module: another module that fails to find its own AWSSDK.Core must not get ours.
        var requester = args.RequestingAssembly;
        if (requester is not null && requester != Self && !s_isolated!.ContainsValue(requester))
        {
            return null;
        }

        var wanted = new AssemblyName(args.Name);
        return wanted.Name is not null && s_isolated!.TryGetValue(wanted.Name, out var assembly) &&
            (wanted.Version is null || assembly.GetName().Version >= wanted.Version)
            ? assembly
            : null;
    }

    private static Assembly? ResolveFromFolder(object? sender, ResolveEventArgs args)
    {
        // .NET Framework asks only after its own probing failed, so answering by name is safe; binding redirects
        // (System.Memory asking for an older System.Runtime.CompilerServices.Unsafe) are satisfied the same way.
        var wanted = new AssemblyName(args.Name);
        return wanted.Name is not null && s_frameworkFiles!.TryGetValue(wanted.Name, out var path) ? Assembly.LoadFrom(path) : null;
    }
}
