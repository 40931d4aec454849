import "server-only";
import NextAuth, { CredentialsSignin, type NextAuthConfig } from "next-auth";
import Credentials from "next-auth/providers/credentials";
import { headers } from "next/headers";
import type { NextRequest } from "next/server";
import { clientInfoFrom } from "@/lib/auth/client-info";
import { authCookies, cookieModeFrom } from "@/lib/auth/cookie-names";
import { ServiceError } from "@/lib/errors";
import { checkPassword } from "@/lib/auth/sign-in";

/** Wrong email or password: the code lands in the sign-in URL, so it says no more than that. */
class InvalidCredentials extends CredentialsSignin {
  code = "invalid_credentials";
}
class RateLimited extends CredentialsSignin {
  code = "rate_limited";
}

const config = {
  // Credentials sign-in needs JWT sessions; the JWT carries only the user id, and every
  // request re-reads the user (lib/auth/session.ts), so role changes and disabling apply at once.
  session: { strategy: "jwt", maxAge: 12 * 60 * 60 },
  trustHost: true,
  pages: { signIn: "/signin" },
  providers: [
    Credentials({
      credentials: { email: { label: "Email" }, password: { label: "Password", type: "password" } },
      async authorize(credentials, request) {
        const email = typeof credentials?.email === "string" ? credentials.email : "";
        const password = typeof credentials?.password === "string" ? credentials.password : "";
        if (!email || !password) throw new InvalidCredentials();
        try {
          const user = await checkPassword(email, password, clientInfoFrom(request.headers));
          return { id: user.userId, email: user.email };
        } catch (error) {
          if (error instanceof ServiceError && error.code === "rate_limited") throw new RateLimited();
          if (error instanceof ServiceError && error.code === "unauthorized") throw new InvalidCredentials();
          throw error;
        }
      },
    }),
  ],
  callbacks: {
    jwt({ token, user }) {
      // The sign-in time is a claim of its own: Auth.js sets `iat` afresh each time it
      // re-encodes the cookie, so `iat` says nothing about when the person signed in. A
      // password change ends every session signed in before it (User.sessionsValidFrom).
      if (user?.id) {
        token.uid = user.id;
        token.sat = Date.now();
      }
      return token;
    },
    session({ session, token }) {
      if (typeof token.uid === "string") session.user.id = token.uid;
      if (typeof token.sat === "number") session.signedInAt = token.sat;
      return session;
    },
  },
  logger: {
    // A wrong password is an expected outcome (recorded in the activity log), not a server error.
    error(error) {
      if (error instanceof CredentialsSignin || error.name === "CredentialsSignin") return;
      console.error("[auth]", error.name, error.message);
    },
  },
} satisfies NextAuthConfig;

/**
 * The config for one request: its cookies' names and flags depend on whether the request came
 * through the edge (control N4, lib/auth/cookie-names.ts). Auth.js calls this with the request
 * in its route handlers (handlers.GET/POST), and with undefined from auth() in a page, layout or
 * route handler and from signIn/signOut in a Server Action: there next/headers holds the same
 * request's headers. A fresh object each time, since Auth.js writes defaults into it.
 */
async function configFor(request: NextRequest | undefined): Promise<NextAuthConfig> {
  const mode = cookieModeFrom(request ? request.headers : await headers());
  return { ...config, ...authCookies(mode) };
}

export const { handlers, auth, signIn, signOut } = NextAuth(configFor);

declare module "next-auth" {
  interface Session {
    /** When this session signed in (ms since the epoch); absent in sessions from before it was kept. */
    signedInAt?: number;
  }
}
