import Link from "next/link";

/** The not-found page for someone not signed in: no console around it, a way to sign in. */
export function SignedOutNotFound() {
  return (
    <main className="signin">
      <div className="panel">
        <h1>Not found</h1>
        <p>There is nothing here, or you need to sign in to see it.</p>
        <p>
          <Link href="/signin">Sign in</Link>
        </p>
      </div>
    </main>
  );
}
